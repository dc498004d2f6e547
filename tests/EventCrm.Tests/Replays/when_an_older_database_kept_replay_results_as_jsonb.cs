using EventCrm.Host.Infrastructure;
using EventCrm.Host.Replays;
using Marten;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Replays;

/// <summary>
/// Replay results were `jsonb` until they became `json` (read back whole only, a third of the
/// server's time to store). A database written before that keeps its replays: starting over it
/// turns the two columns to `json` with the rows in them.
/// </summary>
public class when_an_older_database_kept_replay_results_as_jsonb
{
    private const string Schema = "eventcrm_replay_jsonb";

    [Fact]
    public async Task starting_over_it_turns_the_columns_to_json_and_keeps_every_row()
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")
            ?? throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does).");
        await using var database = NpgsqlDataSource.Create(connectionString);
        await Execute(database, $$"""
            drop schema if exists {{Schema}} cascade;
            create schema {{Schema}};
            create table {{Schema}}.{{ReplayStorage.TableName}} (
                replay_id varchar not null, customer_id varchar not null, current_value numeric not null,
                potential numeric not null, tier varchar not null, live_value numeric not null, live_tier varchar not null,
                events integer not null, valuation jsonb not null, history jsonb not null,
                primary key (replay_id, customer_id));
            insert into {{Schema}}.{{ReplayStorage.TableName}} values
                ('replay-1', 'ada', 120.50, 300, 'gold', 110, 'silver', 4, '{"currentValue":120.50}', '[{"at":"2026-01-01","value":120.50}]');
            """);

        using (var store = DocumentStore.For(options => options.ConfigureEventCrmStore(connectionString, Schema)))
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        var types = await Rows(database, $"""
            select column_name || ' ' || data_type from information_schema.columns
            where table_schema = '{Schema}' and table_name = '{ReplayStorage.TableName}' and column_name in ('valuation', 'history')
            order by column_name
            """);
        types.ShouldBe(["history json", "valuation json"]);
        var stored = await Rows(database, $"select customer_id || ' ' || tier || ' ' || valuation::text || ' ' || history::text from {Schema}.{ReplayStorage.TableName}");
        // jsonb had written the documents back with a space after each colon and comma; the numbers kept their scale.
        stored.ShouldBe(["""ada gold {"currentValue": 120.50} [{"at": "2026-01-01", "value": 120.50}]"""]);

        await Execute(database, $"drop schema {Schema} cascade");
    }

    private static async Task Execute(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> Rows(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
