using System.Runtime.CompilerServices;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Npgsql;

namespace EventCrm.Host.Replays;

/// <summary>One customer's touchpoints in recording order, as the replay reads them.</summary>
public sealed record ReplayedStream(string CustomerId, List<ITouchpoint> Touchpoints);

/// <summary>
/// Reads the log customer by customer with one streaming query (never whole in memory). Each
/// payload goes from the connection's buffer into the store's own deserializer as a stream: no
/// text copy of it and no second encoding, and exactly the objects Marten itself would build.
/// (Not SequentialAccess: rows are small, and the store's stream reader expects a buffered row.)
/// </summary>
public static class ReplayLog
{
    public static async IAsyncEnumerable<ReplayedStream> CustomersAsync(NpgsqlConnection connection, IDocumentStore store, long highWater,
        string? after, [EnumeratorCancellation] CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        await using var command = new NpgsqlCommand(
            $"select stream_id, type, data from {store.Options.DatabaseSchemaName}.mt_events " +
            "where seq_id <= @hw and stream_id > @after and stream_id not like 'system:%' order by stream_id, version", connection);
        command.Parameters.AddWithValue("hw", highWater);
        command.Parameters.AddWithValue("after", after ?? "");
        await using var reader = await command.ExecuteReaderAsync(ct);
        ReplayedStream? current = null;
        while (await reader.ReadAsync(ct))
        {
            var (stream, type) = (reader.GetString(0), reader.GetString(1));
            if (current?.CustomerId != stream)
            {
                if (current is not null) yield return current;
                current = new ReplayedStream(stream, []);
            }
            if (TouchpointTypes.ByName.TryGetValue(type, out var dotnetType) && serializer.FromJson(dotnetType, reader, 2) is ITouchpoint t)
                current.Touchpoints.Add(t);
        }
        if (current is not null) yield return current;
    }
}
