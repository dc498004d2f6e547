using Alba;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// A team whose customers are spread over two databases runs <c>./eventcrm run</c>, which also sets
/// ConnectionStrings:EventCrm (the demo cluster's <c>eventcrm</c> database) and announces it. The service
/// never reads that database; a command given it alone (as docs/import.md once said) wrote the history
/// there, exit code 0, and the customer was then 404. Given it, or the second of the two databases, a
/// command that appends or rebuilds refuses and says which variables to give instead.
/// </summary>
public class when_a_command_is_given_one_database_of_a_deployment_over_two
{
    private const string Schema = "eventcrm_places";
    // Named after the test database, so that runs against their own databases on a shared server never meet.
    private static readonly string Named = $"{TwoDatabases.TestDatabaseName}_{Schema}";
    private readonly string[] _customerDatabases = [TwoDatabases.DatabaseNamed($"{Named}_0"), TwoDatabases.DatabaseNamed($"{Named}_1")];
    private readonly string _announced = TwoDatabases.DatabaseNamed($"{Named}_announced");

    private (string, string)[] Deployment() =>
        [("ConnectionStrings:EventCrm", _announced), ("Tenancy:Databases:0", _customerDatabases[0]), ("Tenancy:Databases:1", _customerDatabases[1])];

    /// <summary>What the refusal tells to set for database <paramref name="i"/>: its host, port and name, no credentials.</summary>
    private string Variable(int i)
    {
        var database = new NpgsqlConnectionStringBuilder(_customerDatabases[i]);
        return $"Tenancy__Databases__{i}=\"Host={database.Host};Port={database.Port};Database={database.Database}\"";
    }

    private Task<(int ExitCode, string Output, string Errors)> Command(string database, params string[] arguments) =>
        HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = Schema, ["ConnectionStrings__EventCrm"] = database }, arguments);

    [Fact]
    public async Task the_import_and_the_rebuild_refuse_the_database_the_deployment_never_reads_and_its_second_database_naming_the_variables_to_give()
    {
        foreach (var database in _customerDatabases.Append(_announced)) await TwoDatabases.RecreateAsync(database);
        await using (var service = await AppFixture.StartHost(Schema, Deployment()))
        {
            await service.PostTouchpoints(Enumerable.Range(0, 12).Select(i => SignUp($"place-{i:00}", Jan1)).ToArray());
        }
        var file = await new DataTools.HistoryFile().SignUp("place-imported", "2025-01-02T10:00:00Z").SaveAsync();

        var (announcedExit, _, announcedErrors) = await Command(_announced, "import", "--file", file);
        announcedExit.ShouldNotBe(0);
        announcedErrors.ShouldContain("holds none of the customers");
        announcedErrors.ShouldContain(Variable(0));
        announcedErrors.ShouldContain(Variable(1));

        var (secondExit, _, secondErrors) = await Command(_customerDatabases[1], "import", "--file", file);
        secondExit.ShouldNotBe(0);
        secondErrors.ShouldContain("database db1 of the 2 databases");
        secondErrors.ShouldContain(Variable(0));

        var (rebuildExit, _, rebuildErrors) = await Command(_announced, "rebuild", "--projection", "CustomerLedger");
        rebuildExit.ShouldNotBe(0);
        rebuildErrors.ShouldContain("holds none of the customers");

        (await StreamsIn(_announced)).ShouldBe(0);   // nothing appended where the service does not look
        await using var again = await AppFixture.StartHost(Schema, Deployment());
        // The 12 signed up through the service, and not the one of the refused imports.
        (await again.GetJson("/api/customers?pageSize=50"))["total"]!.GetValue<long>().ShouldBe(12);
        await again.Scenario(s =>
        {
            s.Get.Url("/api/customers/place-imported");
            s.StatusCodeShouldBe(404);
        });
        await again.StopAsync();
        foreach (var database in _customerDatabases.Append(_announced)) await TwoDatabases.DropAsync(database);
    }

    /// <summary>
    /// `export` and `audit-verify` given the second database alone were refused, rightly, but in the words told to a command
    /// that writes: "over it alone, customers would be written and looked for in the wrong database ... Nothing was written".
    /// They now say what they would have read wrong; the commands that write keep their words.
    /// </summary>
    [Fact]
    public async Task the_export_and_the_audit_verify_are_refused_in_words_of_what_they_would_have_read_wrong()
    {
        // Databases of its own: the other scenario drops its databases under this process's connection pools.
        string[] customers = [TwoDatabases.DatabaseNamed($"{Named}_read_0"), TwoDatabases.DatabaseNamed($"{Named}_read_1")];
        var beside = TwoDatabases.DatabaseNamed($"{Named}_read_beside");
        foreach (var database in customers.Append(beside)) await TwoDatabases.RecreateAsync(database);
        // The database beside the list holds an event log of its own (a demo base, say), as the verify refuses a schema without one first.
        await using (await AppFixture.StartHost(Schema, ("ConnectionStrings:EventCrm", beside))) { }
        await using (var service = await AppFixture.StartHost(Schema, ("ConnectionStrings:EventCrm", beside), ("Tenancy:Databases:0", customers[0]),
                         ("Tenancy:Databases:1", customers[1])))
        {
            await service.PostTouchpoints(Enumerable.Range(0, 12).Select(i => SignUp($"place-{i:00}", Jan1)).ToArray());
        }
        var exported = Path.Combine(Path.GetTempPath(), $"refused-export-{Guid.NewGuid():N}.ndjson");
        var file = await new DataTools.HistoryFile().SignUp("place-imported", "2025-01-02T10:00:00Z").SaveAsync();

        var (exportExit, _, exportErrors) = await Command(customers[1], "export", "--out", exported);
        var (verifyExit, _, verifyErrors) = await Command(customers[1], "audit-verify");
        var (besideExit, _, besideErrors) = await Command(beside, "audit-verify");
        var (importExit, _, importErrors) = await Command(customers[1], "import", "--file", file);

        exportExit.ShouldBe(1, exportErrors);
        exportErrors.ShouldContain("This database is database db1 of the 2 databases a deployment spreads its customers over (Tenancy:Databases): " +
                                   "over it alone, export would read only the customers this database holds, as if they were all of them " +
                                   "(the other databases' left out without a word), and under the name \"default\", not db1. " +
                                   "Give the 2 databases instead of ConnectionStrings__EventCrm");
        var second = new NpgsqlConnectionStringBuilder(customers[1]);
        exportErrors.ShouldContain($"Tenancy__Databases__1=\"Host={second.Host};Port={second.Port};Database={second.Database}\"");
        exportErrors.ShouldContain("export stopped before reading any customer.");
        exportErrors.ShouldNotContain("written");
        File.Exists(exported).ShouldBeFalse();

        verifyExit.ShouldBe(1, verifyErrors);
        verifyErrors.ShouldContain("over it alone, audit-verify would read only the customers this database holds, as if they were all of them");
        verifyErrors.ShouldContain("audit-verify stopped before reading any customer.");
        verifyErrors.ShouldNotContain("written");

        besideExit.ShouldBe(1, besideErrors);
        besideErrors.ShouldContain("This database holds none of the customers: it is the ConnectionStrings:EventCrm of a deployment that spreads them over " +
                                   "2 databases (Tenancy:Databases) and never reads this one, so what audit-verify would read here is none of the service's " +
                                   "customers, as if it were theirs.");
        besideErrors.ShouldNotContain("written");

        // A command that writes is told what it would have written wrong, as before.
        importExit.ShouldBe(1, importErrors);
        importErrors.ShouldContain("over it alone, customers would be written and looked for in the wrong database.");
        importErrors.ShouldContain("Nothing was written.");
        foreach (var database in customers.Append(beside)) await TwoDatabases.DropAsync(database);
    }

    [Fact]
    public async Task a_brand_new_database_of_its_own_still_takes_an_import()
    {
        var fresh = TwoDatabases.DatabaseNamed($"{Named}_fresh");
        await TwoDatabases.RecreateAsync(fresh);
        var file = await new DataTools.HistoryFile().SignUp("place-alone", "2025-01-02T10:00:00Z").SaveAsync();

        var (exit, output, errors) = await Command(fresh, "import", "--file", file);

        exit.ShouldBe(0, errors);
        output.ShouldContain("1 touchpoints imported");
        (await StreamsIn(fresh)).ShouldBe(1);
        await TwoDatabases.DropAsync(fresh);
    }

    /// <summary>The customers' streams in the database (none when the schema is not there at all).</summary>
    private static async Task<long> StreamsIn(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var exists = new NpgsqlCommand($"select to_regclass('{Schema}.mt_streams') is not null", connection))
            if (!(bool)(await exists.ExecuteScalarAsync())!) return 0;
        await using var command = new NpgsqlCommand($"select count(*) from {Schema}.mt_streams where id not like 'system:%' and id <> 'mt_tombstone'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
