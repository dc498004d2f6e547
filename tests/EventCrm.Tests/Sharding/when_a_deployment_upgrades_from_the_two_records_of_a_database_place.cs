using Alba;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Until 2026-12-07 (midnight) a database's place was recorded twice: a Marten document (number, place, layout id)
/// and a table (number, place or none, the list of databases). Now once, in the table. A deployment upgrading holds
/// the old records only, written here by SQL as that version wrote them: the new version reads them, refuses what
/// that version refused, and carries the layout over into the one record.
/// </summary>
public class when_a_deployment_upgrades_from_the_two_records_of_a_database_place
{
    private const string Schema = "eventcrm_upgraded_places";
    private const string Layout = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static readonly string Named = $"{TwoDatabases.TestDatabaseName}_{Schema}";
    private readonly string[] _customerDatabases = [TwoDatabases.DatabaseNamed($"{Named}_0"), TwoDatabases.DatabaseNamed($"{Named}_1")];
    private readonly string _announced = TwoDatabases.DatabaseNamed($"{Named}_announced");

    private (string, string)[] Over(params string[] databases) =>
        databases.Select((d, i) => ($"Tenancy:Databases:{i}", d)).ToArray();

    private Task<(int ExitCode, string Output, string Errors)> Command(string database, params string[] arguments) =>
        HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = Schema, ["ConnectionStrings__EventCrm"] = database }, arguments);

    [Fact]
    public async Task the_new_version_reads_them_refuses_as_before_and_keeps_the_layout_in_one_record()
    {
        foreach (var database in _customerDatabases.Append(_announced)) await TwoDatabases.RecreateAsync(database);
        await using (var service = await AppFixture.StartHost(Schema, Over(_customerDatabases)))
        {
            await service.PostTouchpoints(Enumerable.Range(0, 12).Select(i => SignUp($"upgraded-{i:00}", Jan1)).ToArray());
        }
        await PreviousVersionPlaces.Sql(_announced, $"create schema {Schema}");
        var listed = _customerDatabases.Select(PreviousVersionPlaces.Described).ToArray();
        for (var i = 0; i < 2; i++)
        {
            await PreviousVersionPlaces.ForgetTodaysRecordAsync(_customerDatabases[i], Schema);
            await PreviousVersionPlaces.DocumentAsync(_customerDatabases[i], Schema, $"\"databases\": 2, \"place\": {i}, \"layout\": \"{Layout}\"");
            await PreviousVersionPlaces.RowAsync(_customerDatabases[i], Schema, 2, i, listed);
        }
        // The demo database: used alone once (its document, place 0 of 1), then set beside the list, marked as holding none.
        await PreviousVersionPlaces.DocumentAsync(_announced, Schema, "\"databases\": 1, \"place\": 0, \"layout\": \"a-demo-of-its-own\"");
        await PreviousVersionPlaces.RowAsync(_announced, Schema, 2, null, listed);

        // The place recorded in the document: the databases retyped the other way round are refused, naming both.
        var swapped = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost(Schema, Over(_customerDatabases[1], _customerDatabases[0])));
        swapped.ToString().ShouldContain("Tenancy:Databases:0 (" + Where(_customerDatabases[1]) + ") is the database recorded as Tenancy:Databases:1");

        // The place of none and the list in the table: the import given the demo database is refused, the variables named.
        var file = await new DataTools.HistoryFile().SignUp("upgraded-imported", "2025-01-02T10:00:00Z").SaveAsync();
        var (announcedExit, _, announcedErrors) = await Command(_announced, "import", "--file", file);
        announcedExit.ShouldNotBe(0);
        announcedErrors.ShouldContain("holds none of the customers");
        announcedErrors.ShouldContain($"Tenancy__Databases__1=\"{listed[1]}\"");
        var (secondExit, _, secondErrors) = await Command(_customerDatabases[1], "import", "--file", file);
        secondExit.ShouldNotBe(0);
        secondErrors.ShouldContain("database db1 of the 2 databases");
        secondErrors.ShouldContain($"Tenancy__Databases__0=\"{listed[0]}\"");

        // No other database beside the list (as ./eventcrm run starts it now): nothing to mark, so only the carried-over records are written.
        await using (var again = await AppFixture.StartHost(Schema, [.. Over(_customerDatabases), ("ConnectionStrings:EventCrm", _customerDatabases[0])]))
        {
            // The 12 signed up before the upgrade, and not the one of the refused imports.
            (await again.GetJson("/api/customers?pageSize=50"))["total"]!.GetValue<long>().ShouldBe(12);
        }
        // One record now, the table's, with the layout the document carried; the document is left as it was, for a rollback.
        for (var i = 0; i < 2; i++)
        {
            (await PreviousVersionPlaces.Sql(_customerDatabases[i], $"select format('%s %s %s', databases, position, layout) from {Schema}.customer_database_place"))
                .ShouldBe($"2 {i} {Layout}");
            (await PreviousVersionPlaces.Sql(_customerDatabases[i], $"select data ->> 'place' from {Schema}.mt_doc_customerdatabaselayout")).ShouldBe($"{i}");
        }
        // Its table dropped, as the refusal says to use it alone, db1 is freed: the document kept for a rollback does not hold it back.
        await PreviousVersionPlaces.ForgetTodaysRecordAsync(_customerDatabases[1], Schema);
        var (aloneExit, _, aloneErrors) = await Command(_customerDatabases[1], "import", "--file", file);
        aloneExit.ShouldBe(0, aloneErrors);
        foreach (var database in _customerDatabases.Append(_announced)) await TwoDatabases.DropAsync(database);
    }

    [Fact]
    public async Task a_base_taken_back_to_one_database_before_its_first_customer_is_read_by_its_later_document()
    {
        var alone = TwoDatabases.DatabaseNamed($"{Named}_alone");
        await TwoDatabases.RecreateAsync(alone);
        await using (var service = await AppFixture.StartHost(Schema, ("ConnectionStrings:EventCrm", alone)))
        {
            await service.PostTouchpoints(Enumerable.Range(0, 3).Select(i => SignUp($"alone-{i}", Jan1)).ToArray());
        }
        // That version, started empty over two databases, wrote both records (2 databases, place 0); started then
        // over this one alone, still empty, it took the number 1 in its document only, and the customers came.
        await PreviousVersionPlaces.ForgetTodaysRecordAsync(alone, Schema);
        await PreviousVersionPlaces.RowAsync(alone, Schema, 2, 0, PreviousVersionPlaces.Described(alone), "Host=127.0.0.1;Port=5432;Database=elsewhere");
        await PreviousVersionPlaces.DocumentAsync(alone, Schema, $"\"databases\": 1, \"place\": 0, \"layout\": \"{Layout}\"");

        await using (var upgraded = await AppFixture.StartHost(Schema, ("ConnectionStrings:EventCrm", alone)))
        {
            (await upgraded.GetJson("/api/customers?pageSize=50"))["total"]!.GetValue<long>().ShouldBe(3);
        }
        (await PreviousVersionPlaces.Sql(alone, $"select format('%s %s %s', databases, position, layout) from {Schema}.customer_database_place")).ShouldBe($"1 0 {Layout}");
        await TwoDatabases.DropAsync(alone);
    }

    private static string Where(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
