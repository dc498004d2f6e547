using EventCrm.Projections.Customers;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Npgsql;

namespace EventCrm.Host.Customers;

/// <summary>One touchpoint as the store recorded it: the payload, its place in the stream and when it was recorded.</summary>
public sealed record RecordedTouchpoint(ITouchpoint Touchpoint, string TypeName, long Version, DateTimeOffset RecordedAt);

/// <summary>
/// One customer's stream as the read routes need it, in one round trip with the profile when
/// asked for. Marten's FetchStream builds a full event per row (headers and metadata included)
/// through an asynchronous deserializer, which was most of a timeline read's CPU; here each
/// payload goes once through the store's own deserializer, so the objects are the ones Marten
/// would build, and nothing else is read.
/// </summary>
public static class CustomerStream
{
    /// <param name="afterVersion">Only the events after this version of the stream (the ones a kept ledger has not folded).</param>
    /// <param name="upToVersion">Only the events up to this version (a page of a timeline in stream order).</param>
    /// <param name="versions">Only the events of these versions (a page of a value history in business order), still in stream order.</param>
    public static async Task<(CustomerProfile? Profile, List<RecordedTouchpoint> Touchpoints)> ReadAsync(
        IQuerySession session, string customerId, bool withProfile, CancellationToken ct, long afterVersion = 0, long upToVersion = long.MaxValue,
        long[]? versions = null)
    {
        var options = session.DocumentStore.Options;
        var serializer = options.Serializer();
        var sql = $"select type, version, timestamp, data from {options.Events.DatabaseSchemaName}.mt_events " +
                  "where stream_id = @id and version > @after and version <= @upTo and is_archived = false" +
                  (versions is null ? "" : " and version = any(@versions)") + " order by version";
        if (withProfile)
            sql += $"; select data from {options.DatabaseSchemaName}.mt_doc_{nameof(CustomerProfile).ToLowerInvariant()} where id = @id";
        await using var command = new NpgsqlCommand(sql);
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", afterVersion);
        command.Parameters.AddWithValue("upTo", upToVersion);
        if (versions is not null) command.Parameters.AddWithValue("versions", versions);

        var touchpoints = new List<RecordedTouchpoint>();
        CustomerProfile? profile = null;
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            if (!TouchpointTypes.ByName.TryGetValue(reader.GetString(0), out var type)) continue;
            if (serializer.FromJson(type, reader, 3) is ITouchpoint touchpoint)
                touchpoints.Add(new RecordedTouchpoint(touchpoint, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        if (withProfile && await reader.NextResultAsync(ct) && await reader.ReadAsync(ct))
            profile = (CustomerProfile)serializer.FromJson(typeof(CustomerProfile), reader, 0);
        return (profile, touchpoints);
    }
}
