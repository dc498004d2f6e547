using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Lifecycle;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Customers;

public sealed record TimelineView(string CustomerId, string? Name, string State, IReadOnlyList<TimelineEntry> Entries);

/// <summary>One line of the timeline: the touchpoint's own fields after the ones every line has.</summary>
[JsonConverter(typeof(TimelineEntryWriter))]
public sealed record TimelineEntry(RecordedTouchpoint Recorded, string State);

/// <summary>
/// The full timeline is folded from the stream at read time: always exactly the events, in
/// business-time order, with read-your-writes for free and nothing to keep in sync on append.
/// </summary>
public static class GetTimelineEndpoint
{
    [WolverineGet("/api/customers/{id}/timeline"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The customer's touchpoints in business-time order.", Body = typeof(TimelineView))]
    [Answers(404, "An unknown customer.")]
    public static async Task<IResult> Get(string id, IQuerySession session, CancellationToken ct)
    {
        var (profile, touchpoints) = await CustomerStream.ReadAsync(session, id, withProfile: true, ct);
        if (profile is null) return GetCustomerEndpoint.UnknownCustomer(id);

        var replayed = Lifecycle.Replay(touchpoints, r => r.Touchpoint.OccurredAt, r => r.Version, r => r.TypeName);
        var entries = replayed.Select(r => new TimelineEntry(r.Item, r.State)).ToList();
        var state = replayed.Count > 0 ? replayed[^1].State : profile.State;
        return Results.Ok(new TimelineView(id, profile.Name, state, entries));
    }
}
