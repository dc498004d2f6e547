using System.Text.Json.Nodes;
using Marten;
using Npgsql;

namespace EventCrm.Tests.EventLog;

/// <summary>One row of mt_events as a data team reads it: the body and the metadata beside it.</summary>
public sealed record StoredEvent(string StreamId, string Type, JsonObject Data, string? AppendedBy, string? CorrelationId, string? CausationId)
{
    /// <summary>The touchpoint recorded under this id, read by SQL from the events table.</summary>
    public static Task<StoredEvent> OfTouchpoint(IDocumentStore store, string touchpointId) =>
        Single(store, "data ->> 'touchpointId' = @key", touchpointId);

    /// <summary>The latest event of this type in the stream.</summary>
    public static Task<StoredEvent> LatestIn(IDocumentStore store, string streamId, string type) =>
        Single(store, "stream_id = @key and type = @type", streamId, type);

    private static async Task<StoredEvent> Single(IDocumentStore store, string where, string key, string? type = null)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select stream_id, type, data::text, headers ->> 'appended-by', correlation_id, causation_id " +
            $"from {store.Options.Events.DatabaseSchemaName}.mt_events where {where} order by seq_id desc limit 1", connection);
        command.Parameters.AddWithValue("key", key);
        if (type is not null) command.Parameters.AddWithValue("type", type);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException($"no event where {where} ({key}, {type})");
        return new StoredEvent(reader.GetString(0), reader.GetString(1), JsonNode.Parse(reader.GetString(2))!.AsObject(),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
    }
}
