using Alba;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// A customer's database follows from its id and the number of databases: customers written over
/// two databases must not be looked for with one, nor with three.
/// </summary>
public class when_the_number_of_databases_changes : IAsyncDisposable
{
    private const string Schema = "eventcrm_layout";
    private readonly string[] _databases = [TwoDatabases.OwnDatabaseNamed($"{Schema}_0"), TwoDatabases.OwnDatabaseNamed($"{Schema}_1"), TwoDatabases.OwnDatabaseNamed($"{Schema}_2")];

    private static (string, string)[] Over(params string[] databases) =>
        databases.Select((d, i) => ($"Tenancy:Databases:{i}", d)).ToArray();

    [Fact]
    public async Task the_service_refuses_to_start_over_customers_written_with_another_number_and_accepts_empty_databases()
    {
        foreach (var database in _databases) await TwoDatabases.RecreateAsync(database);
        await using (var empty = await AppFixture.StartHost(Schema, Over(_databases[0], _databases[1], _databases[2])))
        {
            // No customer yet: the number can still change.
        }
        await using (var two = await AppFixture.StartHost(Schema, Over(_databases[0], _databases[1])))
        {
            await two.PostTouchpoints(Enumerable.Range(0, 12).Select(i => SignUp($"layout-{i:00}", Jan1)).ToArray());
        }

        var one = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost(Schema, ("ConnectionStrings:EventCrm", _databases[0])));
        one.ToString().ShouldContain("written over 2");
        var three = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost(Schema, Over(_databases)));
        three.ToString().ShouldContain("gives 3 databases");

        var file = await new DataTools.HistoryFile().SignUp("layout-new", "2025-01-02T10:00:00Z").SaveAsync();
        var (importExit, _, importErrors) = await HostCommandLine.Run(new Dictionary<string, string>
        {
            ["Marten__Schema"] = Schema, ["ConnectionStrings__EventCrm"] = _databases[0],
        }, "import", "--file", file);
        importExit.ShouldNotBe(0);
        importErrors.ShouldContain("written over 2");

        await using var again = await AppFixture.StartHost(Schema, Over(_databases[0], _databases[1]));
        (await again.GetJson("/api/customers?pageSize=50"))["total"]!.GetValue<long>().ShouldBe(12);   // the refused import wrote nothing
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases) await TwoDatabases.DropAsync(database);
    }
}
