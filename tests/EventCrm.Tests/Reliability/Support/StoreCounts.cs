using Npgsql;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>Row counts of a schema's event store, read with SQL so that nothing in the Host can hide a write.</summary>
public sealed record StoreCounts(long Events, long Streams, long ApiKeys)
{
    public static async Task<StoreCounts> Read(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select (select count(*) from {schema}.mt_events), (select count(*) from {schema}.mt_streams), " +
            $"(select count(*) from {schema}.mt_doc_apikey)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoreCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
