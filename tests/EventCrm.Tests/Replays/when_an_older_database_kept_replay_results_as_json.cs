using EventCrm.Host.Infrastructure;
using EventCrm.Host.Replays;
using Marten;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Replays;

/// <summary>
/// Replay results were `jsonb`, then `json`, until they became UTF-8 bytes (`bytea`: read back
/// whole only, and the server stores them without parsing), and replays stopped storing value
/// histories. A database written before keeps its replays: starting over it turns the two columns
/// to `bytea` holding the documents' text, and the history may now be empty.
/// </summary>
public class when_an_older_database_kept_replay_results_as_json
{
    [Theory]
    [InlineData("jsonb", """{"currentValue": 120.50}""", """[{"at": "2026-01-01", "value": 120.50}]""")]
    [InlineData("json", """{"currentValue":120.50}""", """[{"at":"2026-01-01","value":120.50}]""")]
    public async Task starting_over_it_turns_the_columns_to_bytes_and_keeps_every_row(string oldType, string valuation, string history)
    {
        var schema = $"eventcrm_replay_{oldType}";
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")
            ?? throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does).");
        await using var database = NpgsqlDataSource.Create(connectionString);
        await Execute(database, $$"""
            drop schema if exists {{schema}} cascade;
            create schema {{schema}};
            create table {{schema}}.{{ReplayStorage.TableName}} (
                replay_id varchar not null, customer_id varchar not null, current_value numeric not null,
                potential numeric not null, tier varchar not null, live_value numeric not null, live_tier varchar not null,
                events integer not null, valuation {{oldType}} not null, history {{oldType}} not null,
                primary key (replay_id, customer_id));
            insert into {{schema}}.{{ReplayStorage.TableName}} values
                ('replay-1', 'ada', 120.50, 300, 'gold', 110, 'silver', 4, '{"currentValue":120.50}', '[{"at":"2026-01-01","value":120.50}]');
            """);

        using (var store = DocumentStore.For(options => options.ConfigureEventCrmStore(connectionString, schema)))
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        var types = await Rows(database, $"""
            select column_name || ' ' || data_type || ' ' || is_nullable from information_schema.columns
            where table_schema = '{schema}' and table_name = '{ReplayStorage.TableName}' and column_name in ('valuation', 'history')
            order by column_name
            """);
        types.ShouldBe(["history bytea YES", "valuation bytea NO"]);
        var stored = await Rows(database,
            $"select customer_id || ' ' || tier || ' ' || convert_from(valuation, 'UTF8') || ' ' || convert_from(history, 'UTF8') from {schema}.{ReplayStorage.TableName}");
        // jsonb had written the documents back with a space after each colon and comma; json kept the text as given.
        stored.ShouldBe([$"ada gold {valuation} {history}"]);

        await Execute(database, $"drop schema {schema} cascade");
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
