using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Projections.Values;

/// <summary>
/// What a stored ledger's summary does not keep, read from the customer's stream up to the event being
/// projected (never later: a rebuild must fold the same answer), skipping archived events as every reader does.
/// </summary>
public static class StreamLookups
{
    /// <summary>The customer folded from its stream up to and including <paramref name="version"/>: a ledger with every line.</summary>
    public static async Task<FoldedLedger> FoldAsync(IQuerySession session, string customerId, long version, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(customerId, version: version, token: ct);
        return FoldedLedger.Of(customerId, events.Select(e => e.Data).OfType<ITouchpoint>());
    }

    /// <summary>The customer's touchpoints after version <paramref name="after"/> up to <paramref name="upTo"/>, in stream order, with when each was recorded.</summary>
    public static async Task<List<(ITouchpoint Touchpoint, DateTimeOffset RecordedAt)>> TouchpointsAsync(
        IQuerySession session, string customerId, long after, long upTo, CancellationToken ct)
    {
        var options = session.DocumentStore.Options;
        var serializer = options.Serializer();
        await using var command = new NpgsqlCommand(
            $"select type, timestamp, data from {options.Events.DatabaseSchemaName}.mt_events " +
            "where stream_id = @id and version > @after and version <= @upTo and is_archived = false order by version");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        var touchpoints = new List<(ITouchpoint, DateTimeOffset)>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
            if (TouchpointTypes.ByName.TryGetValue(reader.GetString(0), out var type) && serializer.FromJson(type, reader, 2) is ITouchpoint touchpoint)
                touchpoints.Add((touchpoint, reader.GetFieldValue<DateTimeOffset>(1)));
        return touchpoints;
    }
}
