using EventCrm.Projections.Customers;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Npgsql;

namespace EventCrm.Host.Retention;

/// <summary>
/// The value each client asking to cancel was assessed with (the work list's <c>currentValue</c>), for the work list
/// ordered by value: every listed client's value is needed before a page can be cut, and the profile does not keep it.
/// One query per database reads only the decision events (offer made, not offered) of the clients asking to cancel,
/// a few per client however long its history, instead of each client's whole stream.
/// </summary>
public static class AssessedValues
{
    /// <summary>Found: the value, or null while the request is assessed. Not found: the profile cannot say which request is pending.</summary>
    public readonly record struct Assessed(bool Found, decimal? Value);

    public static async Task<IReadOnlyDictionary<string, Assessed>> OfAsync(IQuerySession session, IReadOnlyList<CustomerProfile> asking, CancellationToken ct)
    {
        if (asking.Count == 0) return new Dictionary<string, Assessed>();
        var options = session.DocumentStore.Options;
        var serializer = options.Serializer();
        await using var command = new NpgsqlCommand(
            $"select stream_id, type, data from {options.Events.DatabaseSchemaName}.mt_events " +
            "where stream_id = any(@ids) and type = any(@types) and is_archived = false order by stream_id, version");
        command.Parameters.AddWithValue("ids", asking.Select(p => p.Id).ToArray());
        command.Parameters.AddWithValue("types", new[] { TouchpointTypes.RetentionOfferMade, TouchpointTypes.RetentionNotOffered });
        var decisions = new Dictionary<string, List<ITouchpoint>>();
        await using (var reader = await session.ExecuteReaderAsync(command, ct))
            while (await reader.ReadAsync(ct))
                if (serializer.FromJson(TouchpointTypes.ByName[reader.GetString(1)], reader, 2) is ITouchpoint decision)
                {
                    var id = reader.GetString(0);
                    if (!decisions.TryGetValue(id, out var of)) decisions[id] = of = [];
                    of.Add(decision);
                }
        return asking.ToDictionary(p => p.Id, p => Of(p, decisions.GetValueOrDefault(p.Id) ?? []));
    }

    /// <summary>
    /// The value the pending request was assessed with, found as <see cref="GetRetentionEndpoint"/> finds its decision: the
    /// offer made on the request, else the refusal, else an offer still open that ran when the request came (the one the
    /// client has to answer). The request is the profile's latest; a profile stored before it kept the id (2026-12-05) cannot say.
    /// </summary>
    public static Assessed Of(CustomerProfile profile, IReadOnlyList<ITouchpoint> decisions)
    {
        if (profile.LatestCancellationId is not { } request) return new(false, null);
        var offer = decisions.OfType<RetentionOfferMade>().LastOrDefault(o => o.CancellationTouchpointId == request);
        var letGo = decisions.OfType<RetentionNotOffered>().LastOrDefault(n => n.CancellationTouchpointId == request);
        offer ??= letGo is null
            ? decisions.OfType<RetentionOfferMade>().LastOrDefault(o => profile.OpenOffers.Any(open => open.OfferId == o.OfferId) && o.ExpiresAt > profile.LatestCancellationAt)
            : null;
        var inputs = offer?.Inputs ?? letGo?.Inputs;
        return new(true, inputs is not null && inputs.TryGetValue("currentValue", out var value) ? value : null);
    }
}
