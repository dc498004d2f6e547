using EventCrm.Relationship.Lifecycle;
using Marten;

namespace EventCrm.Host.Customers;

/// <summary>
/// A page of the timeline of a customer whose touchpoints were all recorded in business-time order
/// (the usual case: a live account, an import sorted by date), read without the rest of its stream:
/// a touchpoint's place in the stream is then its place in the timeline, so the page is a range of
/// versions, and the state before it is the kept ledger's (its state changes, each with the place of
/// the touchpoint that made it). A 50,000-touchpoint account's page read 50,000 events before.
/// </summary>
public static class KeptTimeline
{
    /// <summary>Null when the customer's stream is not in business order, has events that are not touchpoints, or has no kept ledger yet: read it whole.</summary>
    /// <param name="upToVersion">Only the touchpoints up to this version: in business order, the first so many.</param>
    public static async Task<IResult?> TryAsync(IQuerySession session, string id, TouchpointPage asked, long? upToVersion, CancellationToken ct)
    {
        if (await KeptLedger.ReadWithLaterAsync(session, id, ct) is not { } read) return null;
        var (stored, now, later, _) = read;
        // Version v is the (v-1)-th touchpoint only while every event is one.
        if (!now.InBusinessOrder || stored.Touchpoints != stored.FoldedUpTo) return null;
        for (var i = 0; i < later.Count; i++)
            if (later[i].Version != stored.FoldedUpTo + 1 + i) return null;

        var total = (int)Math.Min(now.Touchpoints, upToVersion ?? long.MaxValue);
        var (from, to) = asked.Range(total);
        var (profile, page) = await CustomerStream.ReadAsync(session, id, withProfile: true, ct, afterVersion: from, upToVersion: Math.Min(to, stored.FoldedUpTo));
        if (profile is null) return GetCustomerEndpoint.UnknownCustomer(id);
        page.AddRange(later.Where(r => r.Version > from && r.Version <= to));
        if (page.Count != to - from) return null;

        // Folded as Lifecycle.Replay folds the whole timeline, from the state its earlier touchpoints left.
        var state = now.Summary.StateBefore(from);
        var entries = new List<TimelineEntry>(page.Count);
        foreach (var recorded in page)
        {
            state = Lifecycle.Next(state, recorded.TypeName);
            entries.Add(new TimelineEntry(recorded, state ?? CustomerStates.Prospect));
        }
        var stateAfterAll = total == now.Touchpoints ? total > 0 ? now.State() : profile.State
            : now.Summary.StateBefore(total) ?? CustomerStates.Prospect;
        return Results.Ok(new TimelineView(id, profile.Name, stateAfterAll, asked.Order, asked.Page, asked.PageSize, total,
            total, asked.InOrder(entries)));
    }
}
