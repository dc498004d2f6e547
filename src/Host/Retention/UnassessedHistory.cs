using EventCrm.Projections.Customers;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Npgsql;

namespace EventCrm.Host.Retention;

/// <summary>
/// The clients asking to cancel whose pending request is history (<see cref="RequestRecency"/>) and so never assessed:
/// the desk's work list leaves them out, as it would otherwise show them <c>assessing</c> for ever, first among the
/// clients without an offer (the oldest request first). A history request the service decided on all the same (before
/// the rule, 2026-12-07) stays listed with its decision, and so does a client whose earlier offer is still open: there
/// is something for the desk to answer. One query per database reads only the requests and decisions of the clients
/// asking to cancel, with the time the store recorded each.
/// </summary>
public static class UnassessedHistory
{
    private static readonly string[] Types = [TouchpointTypes.CancellationRequested, TouchpointTypes.RetentionOfferMade, TouchpointTypes.RetentionNotOffered];

    public static async Task<IReadOnlySet<string>> AmongAsync(IQuerySession session, IReadOnlyList<CustomerProfile> asking, TimeSpan assessedWithin,
        DateTimeOffset now, CancellationToken ct)
    {
        var candidates = asking.Where(p => p.LatestCancellationId is not null && !p.OpenOffers.Any(o => RetentionDesk.StillOpen(o, now))).ToList();
        if (candidates.Count == 0) return new HashSet<string>();
        var options = session.DocumentStore.Options;
        var serializer = options.Serializer();
        await using var command = new NpgsqlCommand(
            $"select stream_id, type, timestamp, data from {options.Events.DatabaseSchemaName}.mt_events " +
            "where stream_id = any(@ids) and type = any(@types) and is_archived = false");
        command.Parameters.AddWithValue("ids", candidates.Select(p => p.Id).ToArray());
        command.Parameters.AddWithValue("types", Types);
        var history = new HashSet<(string Customer, string Request)>();
        var decided = new HashSet<(string Customer, string Request)>();
        await using (var reader = await session.ExecuteReaderAsync(command, ct))
            while (await reader.ReadAsync(ct))
            {
                var customer = reader.GetString(0);
                switch (serializer.FromJson(TouchpointTypes.ByName[reader.GetString(1)], reader, 3))
                {
                    case CancellationRequested request when RequestRecency.IsHistory(request.OccurredAt, reader.GetFieldValue<DateTimeOffset>(2), assessedWithin):
                        history.Add((customer, request.TouchpointId));
                        break;
                    case RetentionOfferMade offer: decided.Add((customer, offer.CancellationTouchpointId)); break;
                    case RetentionNotOffered letGo: decided.Add((customer, letGo.CancellationTouchpointId)); break;
                }
            }
        return candidates
            .Where(p => history.Contains((p.Id, p.LatestCancellationId!)) && !decided.Contains((p.Id, p.LatestCancellationId!)))
            .Select(p => p.Id)
            .ToHashSet();
    }
}
