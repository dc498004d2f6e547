using System.Runtime.CompilerServices;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Npgsql;

namespace EventCrm.Host.Replays;

/// <summary>
/// One customer's touchpoints in recording order, as read: each payload still the bytes the
/// server sent, so the replay deserialises them on every core rather than on the reading one.
/// </summary>
public sealed record ReplayedStream(string CustomerId, List<(Type Type, byte[] Payload)> Events)
{
    /// <summary>The payloads through the store's own deserializer: exactly the objects Marten itself would build.</summary>
    public List<ITouchpoint> Touchpoints(ISerializer serializer)
    {
        var touchpoints = new List<ITouchpoint>(Events.Count);
        foreach (var (type, payload) in Events)
            if (serializer.FromJson(type, new MemoryStream(payload, writable: false)) is ITouchpoint t) touchpoints.Add(t);
        return touchpoints;
    }
}

/// <summary>
/// Reads the log customer by customer with one streaming query (never whole in memory). Archived
/// events are left out, as every live read leaves them out: a replay under the formula in force
/// must give the live value.
/// </summary>
public static class ReplayLog
{
    public static async IAsyncEnumerable<ReplayedStream> CustomersAsync(NpgsqlConnection connection, string schema, long highWater,
        string? after, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select stream_id, type, data from {schema}.mt_events " +
            "where seq_id <= @hw and stream_id > @after and stream_id not like 'system:%' and not is_archived order by stream_id, version", connection);
        command.Parameters.AddWithValue("hw", highWater);
        command.Parameters.AddWithValue("after", after ?? "");
        await using var reader = await command.ExecuteReaderAsync(ct);
        ReplayedStream? current = null;
        while (await reader.ReadAsync(ct))
        {
            var stream = reader.GetString(0);
            if (current?.CustomerId != stream)
            {
                if (current is not null) yield return current;
                current = new ReplayedStream(stream, []);
            }
            // jsonb arrives as its binary form (a version byte, then the text): the store's deserializer reads it so.
            if (TouchpointTypes.ByName.TryGetValue(reader.GetString(1), out var type))
                current.Events.Add((type, reader.GetFieldValue<byte[]>(2)));
        }
        if (current is not null) yield return current;
    }
}
