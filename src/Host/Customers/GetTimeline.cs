using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Lifecycle;
using Marten;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Customers;

/// <param name="State">The customer's state after its whole timeline (up to <paramref name="StreamVersion"/>), whatever the page.</param>
/// <param name="Total">How many touchpoints the whole timeline has (up to <paramref name="StreamVersion"/>).</param>
/// <param name="StreamVersion">
/// The version of the customer's stream the answer reads, its latest touchpoint's (0 for none), or the <c>upToVersion</c> asked:
/// a client sends it back as <c>upToVersion</c> with the next pages, which then read the same timeline, however many
/// touchpoints were recorded meanwhile.
/// </param>
public sealed record TimelineView(string CustomerId, string? Name, [property: Words(typeof(CustomerStates))] string State,
    [property: Words(typeof(TouchpointPage))] string Order, int Page, int PageSize, int Total,
    long StreamVersion, IReadOnlyList<TimelineEntry> Entries);

/// <summary>One line of the timeline: the touchpoint's own fields after the ones every line has.</summary>
[JsonConverter(typeof(TimelineEntryWriter))]
public sealed record TimelineEntry(RecordedTouchpoint Recorded, string State);

/// <summary>
/// The timeline is folded from the stream at read time: always exactly the events, in
/// business-time order, with read-your-writes for free and nothing to keep in sync on append.
/// Each entry's state needs every touchpoint before it: a stream recorded in business order reads
/// only its page and takes the state before it from the kept ledger (<see cref="KeptTimeline"/>);
/// another is folded whole, and only a page of it is written (<see cref="TouchpointPage"/>).
/// </summary>
public static class GetTimelineEndpoint
{
    [WolverineGet("/api/customers/{id}/timeline"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the customer's touchpoints in business-time order, from the oldest or the newest.", Body = typeof(TimelineView))]
    [Answers(400, "A page, pageSize, order or upToVersion out of range.")]
    [Answers(404, "An unknown customer.")]
    [Pages(TouchpointPage.DefaultSize, TouchpointPage.MaxSize)]
    public static async Task<IResult> Get(string id, int? page, int? pageSize, [Words(typeof(TouchpointPage))] string? order, long? upToVersion,
        IQuerySession session, CancellationToken ct)
    {
        var (asked, problem) = TouchpointPage.Read(page, pageSize, order);
        if (problem is not null) return problem;
        if (upToVersion < 0) return Problems.Invalid("upToVersion", "must be 0 or more: a version of the customer's stream, as a timeline's streamVersion gives it");
        if (await KeptTimeline.TryAsync(session, id, asked!, upToVersion, ct) is { } kept) return kept;
        return await FoldedFromTheWholeStream(session, id, asked!, upToVersion, ct);
    }

    /// <summary>The page folded from the customer's whole stream: what the kept ledger's page must equal (the scenarios compare them).</summary>
    public static async Task<IResult> FoldedFromTheWholeStream(IQuerySession session, string id, TouchpointPage asked, long? upToVersion, CancellationToken ct)
    {
        var (profile, touchpoints) = await CustomerStream.ReadAsync(session, id, withProfile: true, ct, upToVersion: upToVersion ?? long.MaxValue);
        if (profile is null) return GetCustomerEndpoint.UnknownCustomer(id);

        var replayed = Lifecycle.Replay(touchpoints, r => r.Touchpoint.OccurredAt, r => r.Version, r => r.TypeName);
        var entries = asked.Of(replayed).Select(r => new TimelineEntry(r.Item, r.State)).ToList();
        var state = replayed.Count > 0 ? replayed[^1].State : upToVersion is null ? profile.State : CustomerStates.Prospect;
        var version = touchpoints.Count > 0 ? touchpoints[^1].Version : 0;
        return Results.Ok(new TimelineView(id, profile.Name, state, asked.Order, asked.Page, asked.PageSize, replayed.Count, version, entries));
    }
}
