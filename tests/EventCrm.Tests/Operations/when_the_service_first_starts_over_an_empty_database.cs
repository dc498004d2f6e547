using EventCrm.Tests.Sharding;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// The very first start, over a database nothing was ever written to: it logged a warning, "Building the new indexes
/// ... concurrently failed", with a NullReferenceException from Weasel, because the log of the schema changes asked for
/// the update of a function that does not exist yet; the changes after it went unlogged. It now logs every object it
/// creates, and nothing else from the schema step.
/// </summary>
public class when_the_service_first_starts_over_an_empty_database
{
    private const string Schema = "eventcrm_first_start";
    private readonly string _database = TwoDatabases.OwnDatabaseNamed(Schema);

    [Fact]
    public async Task it_logs_each_table_and_function_it_creates_and_no_warning_and_a_second_start_finds_it_up_to_date()
    {
        await TwoDatabases.RecreateAsync(_database);
        var first = new CapturedLogs();
        await using (var host = await AppFixture.StartHost(Schema, first, ("ConnectionStrings:EventCrm", _database)))
        {
        }

        var schemaStep = first.Since(0).Where(entry => entry.Category.StartsWith("EventCrm.Host.Schema")).ToList();
        schemaStep.Where(entry => entry.Level >= LogLevel.Warning || entry.Exception is not null)
            .Select(entry => $"{entry.Level}: {entry.Message} {entry.Exception?.GetType().Name}").ShouldBeEmpty();

        // Read from the catalog once the start is over: every table and function of the schema was made by that start,
        // by the store's migration, which the log describes, but for Wolverine's message tables (Wolverine applies its
        // own) and the record of the database's place (the place check makes it, by SQL of its own).
        var name = new NpgsqlConnectionStringBuilder(_database).Database;
        var applied = schemaStep.Select(entry => entry.Message).Where(m => m.StartsWith($"Applying schema change in {name}: Create ")).ToList();
        var tables = await Names($"select table_name from information_schema.tables where table_schema = '{Schema}' " +
                                 "and table_name not like 'wolverine\\_%' and table_name <> 'customer_database_place'");
        var functions = await Names($"select distinct p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = '{Schema}'");
        // The events' table, one of the service's own and the function of a quick append: the warning cut the log short at the first function.
        tables.ShouldContain("mt_events");
        tables.ShouldContain("portfolio_valuations");
        functions.ShouldContain("mt_quick_append_events");
        foreach (var table in tables)
            applied.ShouldContain(m => m.StartsWith($"Applying schema change in {name}: Create {Schema}.{table}: ") && m.Contains("create table", StringComparison.OrdinalIgnoreCase),
                $"the creation of the table {table}");
        foreach (var function in functions)
            applied.ShouldContain(m => m.StartsWith($"Applying schema change in {name}: Create {Schema}.{function}: ") && m.Contains("function", StringComparison.OrdinalIgnoreCase),
                $"the creation of the function {function}");
        applied.ShouldNotContain(m => m.Contains("no statement"));

        var second = new CapturedLogs();
        await using (var host = await AppFixture.StartHost(Schema, second, ("ConnectionStrings:EventCrm", _database)))
        {
        }
        second.Since(0).Where(entry => entry.Category.StartsWith("EventCrm.Host.Schema")).Select(entry => entry.Message)
            .ShouldBe([$"Schema of {name} up to date: nothing to apply at start"]);

        await TwoDatabases.DropAsync(_database);
    }

    private async Task<List<string>> Names(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }
}
