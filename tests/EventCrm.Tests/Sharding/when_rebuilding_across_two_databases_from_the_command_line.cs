using EventCrm.Host.Sharding;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// The import and rebuild verbs over two databases, with no service running: nobody keeps the
/// async ledgers there until the rebuild command builds them, in both databases; a rebuild of
/// the inline profiles rebuilds both databases' too.
/// </summary>
public sealed class when_rebuilding_across_two_databases_from_the_command_line
{
    // Per test process: developers share one server, and a second run must not drop this one's databases.
    private static readonly string Schema = $"eventcrm_sharded_cli_{Environment.ProcessId}";
    private static readonly string[] Databases = [TwoDatabases.DatabaseNamed($"{Schema}_0"), TwoDatabases.DatabaseNamed($"{Schema}_1")];
    private static readonly string[] Customers = ["cli-shard-a", "cli-shard-b", "cli-shard-c", "cli-shard-d", "cli-shard-e", "cli-shard-f"];

    [Fact]
    public async Task the_rebuild_command_builds_the_ledgers_and_the_profiles_of_both_databases()
    {
        try { await RebuildsBothDatabases(); }
        finally { foreach (var database in Databases) await TwoDatabases.DropAsync(database); }
    }

    private static async Task RebuildsBothDatabases()
    {
        foreach (var database in Databases) await TwoDatabases.RecreateAsync(database);
        var history = new HistoryFile();
        for (var i = 0; i < Customers.Length; i++)
            history.SignUp(Customers[i], $"2023-01-0{i + 1}T00:00:00Z").Purchase(Customers[i], $"2023-02-0{i + 1}T00:00:00Z", amount: $"{100 * (i + 1)}");
        var file = await history.SaveAsync();

        var imported = await Run("import", "--file", file);
        imported.ExitCode.ShouldBe(0, imported.Errors + imported.Output);
        var rebuilt = await Run("rebuild", "--projection", "CustomerLedger");
        rebuilt.ExitCode.ShouldBe(0, rebuilt.Errors + rebuilt.Output);

        for (var database = 0; database < 2; database++)
        {
            var expected = Customers.Select((id, i) => (id, revenue: 100m * (i + 1)))
                .Where(c => CustomerShardRule.DatabaseOf(c.id, 2) == database).OrderBy(c => c.id, StringComparer.Ordinal).ToList();
            expected.ShouldNotBeEmpty($"customers in database {database}");
            (await Revenues(Databases[database])).ShouldBe(expected.Select(c => $"{c.id}: {c.revenue}").ToList());
        }
        // The inline profiles, lost in both databases, come back from each one's events.
        foreach (var database in Databases) await Execute(database, $"delete from {Schema}.mt_doc_customerprofile");
        var profiles = await Run("rebuild", "--projection", "CustomerProfile");
        profiles.ExitCode.ShouldBe(0, profiles.Errors + profiles.Output);
        for (var database = 0; database < 2; database++)
            (await Names(Databases[database])).ShouldBe(Customers.Where(id => CustomerShardRule.DatabaseOf(id, 2) == database)
                .Order(StringComparer.Ordinal).Select(id => $"{id}: Grace Hopper").ToList());
        File.Delete(file);
    }

    private static async Task<List<string>> Names(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select id, data->>'name' from {Schema}.mt_doc_customerprofile order by id collate \"C\"", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetString(0)}: {reader.GetString(1)}");
        return rows;
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static Task<(int ExitCode, string Output, string Errors)> Run(params string[] arguments) => HostCommandLine.Run(new Dictionary<string, string>
    {
        ["Marten__Schema"] = Schema, ["Tenancy__Databases__0"] = Databases[0], ["Tenancy__Databases__1"] = Databases[1],
    }, arguments);

    /// <summary>Each ledger's historical revenue, read from the database's ledger table.</summary>
    private static async Task<List<string>> Revenues(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select id, (data->'historical'->>'revenue')::numeric from {Schema}.mt_doc_customerledger order by id collate \"C\"", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetString(0)}: {reader.GetDecimal(1)}");
        return rows;
    }
}
