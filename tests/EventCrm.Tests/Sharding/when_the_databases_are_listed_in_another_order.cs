using Alba;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// A customer's database follows from its id and the place of each database in <c>Tenancy:Databases</c>:
/// the two databases retyped the other way round started without a word, existing customers answered 404 and
/// a signup under an existing id opened a second stream of that customer in the other database.
/// </summary>
public class when_the_databases_are_listed_in_another_order
{
    private const string Schema = "eventcrm_order";
    private readonly string _first = TwoDatabases.OwnDatabaseNamed($"{Schema}_0");
    private readonly string _second = TwoDatabases.OwnDatabaseNamed($"{Schema}_1");

    private static (string, string)[] Over(params string[] databases) =>
        databases.Select((d, i) => ($"Tenancy:Databases:{i}", d)).ToArray();

    private static Dictionary<string, string> Environment(params string[] databases) =>
        databases.Select((d, i) => (Key: $"Tenancy__Databases__{i}", Value: d)).Append(("Marten__Schema", Schema)).ToDictionary(e => e.Item1, e => e.Item2);

    [Fact]
    public async Task the_service_and_the_commands_refuse_them_naming_both_places_and_nothing_is_appended()
    {
        await TwoDatabases.RecreateAsync(_first);
        await TwoDatabases.RecreateAsync(_second);
        await using (var written = await AppFixture.StartHost(Schema, Over(_first, _second)))
        {
            await written.PostTouchpoints(Enumerable.Range(0, 12).Select(i => SignUp($"order-{i:00}", Jan1, name: $"Client {i:00}")).ToArray());
        }
        // A deployment of the version before 2026-12-07: only the home database had a record, a document of the number alone.
        await PreviousVersionPlaces.ForgetTodaysRecordAsync(_first, Schema);
        await PreviousVersionPlaces.ForgetTodaysRecordAsync(_second, Schema);
        await PreviousVersionPlaces.DocumentAsync(_first, Schema, "\"databases\": 2");
        await using (var upgraded = await AppFixture.StartHost(Schema, Over(_first, _second)))
        {
        }
        // Its first start under this version recorded each database's place, and one layout for both.
        (await Sql(_first, $"select position from {Schema}.customer_database_place")).ShouldBe(0);
        (await Sql(_second, $"select position from {Schema}.customer_database_place")).ShouldBe(1);
        var layout = await Sql(_first, $"select layout from {Schema}.customer_database_place");
        layout.ShouldNotBeNull();
        (await Sql(_second, $"select layout from {Schema}.customer_database_place")).ShouldBe(layout);
        var events = (await EventsIn(_first), await EventsIn(_second));
        // 12 signups, one event each, over the two databases.
        (events.Item1 + events.Item2).ShouldBe(12L);

        var swapped = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost(Schema, Over(_second, _first)));
        var names = (First: Named(_first), Second: Named(_second));
        swapped.ToString().ShouldContain($"Tenancy:Databases:0 ({names.Second}) is the database recorded as Tenancy:Databases:1");
        swapped.ToString().ShouldContain($"Tenancy:Databases:1 ({names.First}) is the database recorded as Tenancy:Databases:0");

        var file = await new DataTools.HistoryFile().SignUp("order-03", "2025-01-02T10:00:00Z").SaveAsync();
        var (importExit, _, importErrors) = await HostCommandLine.Run(Environment(_second, _first), "import", "--file", file);
        importExit.ShouldNotBe(0);
        importErrors.ShouldContain("is the database recorded as Tenancy:Databases:1");
        var (rebuildExit, _, rebuildErrors) = await HostCommandLine.Run(Environment(_second, _first), "rebuild", "--projection", "CustomerLedger");
        rebuildExit.ShouldNotBe(0);
        rebuildErrors.ShouldContain("is the database recorded as Tenancy:Databases:1");
        (await EventsIn(_first), await EventsIn(_second)).ShouldBe(events);

        await using var again = await AppFixture.StartHost(Schema, Over(_first, _second));
        (await again.GetJson("/api/customers?pageSize=50"))["total"]!.GetValue<long>().ShouldBe(12);
        (await again.GetJson("/api/customers/order-03"))["name"]!.GetValue<string>().ShouldBe("Client 03");

        await TwoDatabases.DropAsync(_first);
        await TwoDatabases.DropAsync(_second);
    }

    /// <summary>
    /// The service started directly (`dotnet EventCrm.Host.dll`, as a unit file does) over the swapped list died with the
    /// right message inside an unhandled InvalidOperationException's stack trace, exit code 134 (a core dump under
    /// systemd); `export` was refused in the words told to the commands that write ("a signup under an existing id").
    /// </summary>
    [Fact]
    public async Task the_service_started_directly_says_so_in_one_line_with_exit_code_1_and_the_export_in_words_of_reading()
    {
        await TwoDatabases.RecreateAsync(_first);
        await TwoDatabases.RecreateAsync(_second);
        await using (var written = await AppFixture.StartHost(Schema, Over(_first, _second)))
        {
            await written.PostTouchpoints(Enumerable.Range(0, 4).Select(i => SignUp($"order-{i:00}", Jan1, name: $"Client {i:00}")).ToArray());
        }
        var names = (First: Named(_first), Second: Named(_second));
        var exported = Path.Combine(Path.GetTempPath(), $"swapped-export-{Guid.NewGuid():N}.ndjson");

        var (startExit, startOutput, startErrors) = await HostCommandLine.Run(Environment(_second, _first), "--urls", "http://127.0.0.1:0");
        var (exportExit, _, exportErrors) = await HostCommandLine.Run(Environment(_second, _first), "export", "--out", exported);

        startExit.ShouldBe(1, startErrors + startOutput);
        startErrors.Trim().Split('\n').Length.ShouldBe(1, startErrors);
        startErrors.Trim().ShouldStartWith($"EventCrm did not start: Tenancy:Databases:0 ({names.Second}) is the database recorded as Tenancy:Databases:1; " +
                                           $"Tenancy:Databases:1 ({names.First}) is the database recorded as Tenancy:Databases:0.");
        startErrors.ShouldNotContain("Unhandled exception");

        exportExit.ShouldBe(1, exportErrors);
        exportErrors.ShouldContain($"A customer's database follows from its place in Tenancy:Databases, so export would read {names.Second} as db0, " +
                                   $"though it holds db1's customers; {names.First} as db1, though it holds db0's customers: what it gives would name " +
                                   "the wrong database, and every customer there would be taken for one held by a database its id does not route to. " +
                                   $"List each database at its recorded place ({names.Second} as Tenancy:Databases:1, {names.First} as Tenancy:Databases:0)");
        exportErrors.ShouldNotContain("signup");
        File.Exists(exported).ShouldBeFalse();
        await TwoDatabases.DropAsync(_first);
        await TwoDatabases.DropAsync(_second);
    }

    private static string Named(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private static async Task<long> EventsIn(string database) => Convert.ToInt64(await Sql(database, $"select count(*) from {Schema}.mt_events"));

    private static async Task<object?> Sql(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
