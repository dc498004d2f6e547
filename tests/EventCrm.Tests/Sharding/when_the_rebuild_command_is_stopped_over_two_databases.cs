using System.Text.Json.Nodes;
using EventCrm.Host.Sharding;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Ctrl-C or SIGTERM on the `rebuild` command over two databases. Until 2026-12-08 either ended the process where it
/// stood, as kill -9 does: nothing printed after the progress line, the side schema and the `-next` progress row left in
/// both databases, the record "rebuilding" until the status found its process gone. Now the command stops as a node's
/// graceful stop does: the record says `stopped: ...`, the new build is dropped in every database, one line on standard
/// error says what is left, and the exit code is the shell's for the signal (130, 143).
/// </summary>
public sealed class when_the_rebuild_command_is_stopped_over_two_databases : IAsyncLifetime
{
    // Per test run: developers share one server, and another run must not drop this one's databases.
    private static readonly string Schema = $"eventcrm_sharded_stopcli_{System.Environment.ProcessId}";
    private static readonly string[] Databases = [TwoDatabases.OwnDatabaseNamed("stopcli_0"), TwoDatabases.OwnDatabaseNamed("stopcli_1")];
    private static readonly string[] Customers = ["stop-a", "stop-b", "stop-c", "stop-d", "stop-e", "stop-f", "stop-g", "stop-h"];

    public async ValueTask InitializeAsync()
    {
        foreach (var database in Databases)
        {
            await TwoDatabases.RecreateAsync(database);
            // The other scenario's pooled connections went with the database it used.
            using var pooled = new NpgsqlConnection(database);
            NpgsqlConnection.ClearPool(pooled);
        }
        var history = new HistoryFile();
        for (var i = 0; i < Customers.Length; i++)
            history.SignUp(Customers[i], $"2023-01-0{i + 1}T00:00:00Z").Purchase(Customers[i], $"2023-02-0{i + 1}T00:00:00Z", category: "rollers");
        var file = await history.SaveAsync();
        var imported = await HostCommandLine.Run(Settings(), "import", "--file", file);
        imported.ExitCode.ShouldBe(0, imported.Errors + imported.Output);
        File.Delete(file);
    }

    [Fact]
    public async Task ctrl_c_during_a_blue_green_rebuild_drops_the_new_build_in_both_databases_and_says_so()
    {
        // The new build of the first database held before its first page: the signal comes while both are building.
        await using var held = await HeldNewBuild.Of(Schema, "SpendByCategory", Databases[0]);
        using var command = HostCommandLine.Start(Settings(), "rebuild", "--projection", "SpendByCategory");
        await Waits.Until(() => SomeSessionWaitsOnALock(Databases[0]), TimeSpan.FromSeconds(90));

        await command.SignalAsync("INT");
        var (exitCode, output, errors) = await command.EndedAsync();

        exitCode.ShouldBe(130, errors + output);
        errors.Split('\n').ShouldContain("rebuild: stopped by SIGINT: the new build of SpendByCategory was dropped in every database (its schema and " +
            "progress row): nothing of it is left, and the live documents stay as they were. Run `rebuild --projection SpendByCategory` again to rebuild it.");
        foreach (var database in Databases)
        {
            (await Scalar<long>(database, $"select count(*) from information_schema.schemata where schema_name = '{Schema}_next_spendbycategory'")).ShouldBe(0);
            (await Scalar<long>(database, $"select count(*) from {Schema}.mt_event_progression where name = 'SpendByCategory-next:All'")).ShouldBe(0);
        }
        var record = (await RecordOf("SpendByCategory"))!;
        record["state"]!.GetValue<string>().ShouldBe("failed");
        record["error"]!.GetValue<string>().ShouldBe($"stopped: the rebuild command running it ({NodeOf(command)}) was stopped (Ctrl-C or SIGTERM) during " +
            "the rebuild, whose new build was dropped (the live documents stay); run it again");
    }

    [Fact]
    public async Task sigterm_during_the_profiles_rebuild_in_place_says_how_many_were_rebuilt()
    {
        // The first database's customers in id order (the database's own collation orders these ids as ordinal does).
        var first = Customers.Where(id => CustomerShardRule.DatabaseOf(id, 2) == 0).Order(StringComparer.Ordinal).ToList();
        first.Count.ShouldBeGreaterThan(1);
        foreach (var database in Databases) await Execute(database, $"update {Schema}.mt_doc_customerprofile set data = jsonb_set(data, '{{name}}', '\"spoiled\"')");
        // Its second customer's stream held: the rebuild rewrites the first one's profile, then waits on the second.
        await using var holder = new NpgsqlConnection(Databases[0]);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockIt = new NpgsqlCommand($"select id from {Schema}.mt_streams where id = @id for update", holder, hold))
        {
            lockIt.Parameters.AddWithValue("id", first[1]);
            await lockIt.ExecuteNonQueryAsync();
        }

        using var command = HostCommandLine.Start(Settings(), "rebuild", "--projection", "CustomerProfile");
        await Waits.Until(async () => (await RecordOf("CustomerProfile"))?["waitingOn"]?.AsArray().Count == 1, TimeSpan.FromSeconds(90));

        await command.SignalAsync("TERM");
        var (exitCode, output, errors) = await command.EndedAsync();
        await hold.RollbackAsync();

        exitCode.ShouldBe(143, errors + output);
        errors.Split('\n').ShouldContain($"rebuild: stopped by SIGTERM: the profiles of 1 of {Customers.Length} customers were rebuilt, the others not yet; " +
            "every profile is complete (rebuilt, or as before) and nothing else is left. Run `rebuild --projection CustomerProfile` again to rebuild them all.");
        var record = (await RecordOf("CustomerProfile"))!;
        record["state"]!.GetValue<string>().ShouldBe("failed");
        record["error"]!.GetValue<string>().ShouldBe($"stopped: the rebuild command running it ({NodeOf(command)}) was stopped (Ctrl-C or SIGTERM) during " +
            $"the rebuild, having rebuilt the profiles of 1 of {Customers.Length} customers; the others are not rebuilt yet, and every profile is complete " +
            "(rebuilt, or as the previous code folded it); run it again to rebuild them all");
        // The first customer's profile rebuilt, the others as they were.
        var names = await Scalar<string[]>(Databases[0], $"select array_agg(data->>'name' order by id collate \"C\") from {Schema}.mt_doc_customerprofile");
        names.ShouldBe(first.Select((_, i) => i == 0 ? "Grace Hopper" : "spoiled").ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in Databases) await TwoDatabases.DropAsync(database);
    }

    private static Dictionary<string, string> Settings() => new()
    {
        ["Marten__Schema"] = Schema, ["Tenancy__Databases__0"] = Databases[0], ["Tenancy__Databases__1"] = Databases[1],
    };

    /// <summary>The command's name for itself: its connection string names no application, so its machine and process id.</summary>
    private static string NodeOf(HostCommandLine.RunningCommand command) => $"{System.Environment.MachineName}:{command.Id}";

    /// <summary>The rebuild's record, kept in the home database (the first).</summary>
    private static async Task<JsonNode?> RecordOf(string projection)
    {
        await using var connection = new NpgsqlConnection(Databases[0]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select data::text from {Schema}.mt_doc_projectionrebuild where id = @id", connection);
        command.Parameters.AddWithValue("id", projection);
        try
        {
            return await command.ExecuteScalarAsync() is string json ? JsonNode.Parse(json) : null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // made by the first rebuild, as it records that it begins
        }
    }

    private static async Task<bool> SomeSessionWaitsOnALock(string database) => await Scalar<bool>(database,
        "select exists (select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database())");

    private static async Task<T> Scalar<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
