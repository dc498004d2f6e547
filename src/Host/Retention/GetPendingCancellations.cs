using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Lifecycle;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Retention;

/// <param name="CurrentValue">The client's current value when the service assessed the request; null while it assesses.</param>
public sealed record PendingItemView(string CustomerId, string? Name, DateTimeOffset RequestedAt, string? Reason, [property: Words(typeof(GetRetentionEndpoint))] string Decision, OfferView? Offer,
    decimal? CurrentValue);

public sealed record PendingCancellationsView(int Page, int PageSize, long Total, IReadOnlyList<PendingItemView> Items);

public static class GetPendingCancellationsEndpoint
{
    /// <summary>The orders of the work list (<c>order=</c>).</summary>
    public const string ByLapse = "lapse", ByValue = "value";

    public const int DefaultPageSize = 20;

    /// <summary>
    /// The desk's work list: every client asking to cancel, but for a request recorded as history and never assessed
    /// (<see cref="UnassessedHistory"/>). By default (<c>order=lapse</c>) clients with an open offer
    /// come first, the offer that lapses soonest first (the desk must reach them before it does); then the others, the
    /// oldest request first. <c>order=value</c>: the highest value assessed first, those still assessed (no value yet)
    /// last, each run of equal values (and the unassessed) in the default order.
    /// </summary>
    [WolverineGet("/api/retention/pending"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the clients asking to cancel: open offers that lapse soonest first, or (order=value) the highest value assessed first.", Body = typeof(PendingCancellationsView))]
    [Answers(400, "A page or pageSize out of range, or an order other than lapse or value.")]
    [Pages(DefaultPageSize, SearchCustomersEndpoint.MaxPageSize)]
    public static async Task<IResult> Get(int? page, int? pageSize, [Words(typeof(GetPendingCancellationsEndpoint))] string? order, CustomerDatabases databases, TimeProvider clock,
        IOptions<RetentionOptions> options, CancellationToken ct)
    {
        var (pageNumber, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        if (pageNumber is < 1 or > SearchCustomersEndpoint.MaxPage) return Problems.Invalid("page", $"must be between 1 and {SearchCustomersEndpoint.MaxPage:#,0}");
        if (size is < 1 or > SearchCustomersEndpoint.MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {SearchCustomersEndpoint.MaxPageSize}");
        var byValue = order == ByValue;
        if (order is not null && !byValue && order != ByLapse)
            return Problems.Invalid("order", $"must be {ByLapse} (open offers lapsing soonest first, the default) or {ByValue} (the highest value assessed first), in lower case");

        var now = clock.GetUtcNow();
        var listed = (await databases.InEachAsync(async session =>
            {
                var everyone = await AskingToCancel(session).ToListAsync(ct);
                var history = await UnassessedHistory.AmongAsync(session, everyone, options.Value.RequestsAssessedWithin, now, ct);
                var profiles = everyone.Where(p => !history.Contains(p.Id)).ToList();
                var values = byValue ? await AssessedValues.OfAsync(session, profiles, ct) : null;
                return profiles.Select(p => new Listed(p, LapsingAt(p, now), values?[p.Id])).ToList();
            }))
            .SelectMany(profiles => profiles)
            .ToList();
        if (byValue)
            for (var i = 0; i < listed.Count; i++)
                if (listed[i].Value is not { Found: true })
                    // A profile stored before it kept its latest request's id: the client's stream says.
                    listed[i] = listed[i] with { Value = new(true, (await PendingOf(listed[i].Profile, databases, ct))?.CurrentValue) };
        var asking = InOrder(listed, byValue).Select(l => l.Profile).ToList();
        var items = new List<PendingItemView>();
        foreach (var profile in asking.Skip((pageNumber - 1) * size).Take(size))
            if (await PendingOf(profile, databases, ct) is { } item) items.Add(item);
        return Results.Ok(new PendingCancellationsView(pageNumber, size, asking.Count, items));
    }

    /// <summary>A client asking to cancel, when its open offer lapses (MaxValue without one) and, for the order by value, its value assessed.</summary>
    public sealed record Listed(CustomerProfile Profile, DateTimeOffset Lapsing, AssessedValues.Assessed? Value = null);

    /// <summary>
    /// The work list's order, a total one (the id breaks the last ties) so that pages cut the same list every time:
    /// by value, the highest first and the unassessed (null) last, then, and by lapse alone, open offers lapsing soonest
    /// first, then the oldest request first.
    /// </summary>
    public static IEnumerable<Listed> InOrder(IEnumerable<Listed> listed, bool byValue)
    {
        var ordered = byValue
            ? listed.OrderBy(l => l.Value?.Value is null).ThenByDescending(l => l.Value?.Value).ThenBy(l => l.Lapsing == DateTimeOffset.MaxValue)
            : listed.OrderBy(l => l.Lapsing == DateTimeOffset.MaxValue);
        return ordered
            .ThenBy(l => l.Lapsing)
            .ThenBy(l => l.Profile.LatestCancellationAt)
            .ThenBy(l => l.Profile.Id, StringComparer.Ordinal);
    }

    private static DateTimeOffset LapsingAt(CustomerProfile profile, DateTimeOffset now) =>
        profile.OpenOffers.Where(o => RetentionDesk.StillOpen(o, now)).Select(o => o.ExpiresAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();

    /// <summary>The work list's query, answered by the profile table's partial index on the state (CustomerIndexes).</summary>
    public static IQueryable<CustomerProfile> AskingToCancel(IQuerySession session) =>
        session.Query<CustomerProfile>().Where(p => p.State == CustomerStates.CancellationRequested);

    private static async Task<PendingItemView?> PendingOf(CustomerProfile profile, CustomerDatabases databases, CancellationToken ct)
    {
        await using var session = databases.QueryFor(profile.Id);
        var touchpoints = (await CustomerStream.ReadAsync(session, profile.Id, withProfile: false, ct)).Touchpoints.Select(r => r.Touchpoint).ToList();
        // A profile read a moment before the request was answered: the stream says it is settled.
        if (GetRetentionEndpoint.Of(profile.Id, touchpoints).Pending is not { } pending) return null;
        return new PendingItemView(profile.Id, profile.Name, pending.RequestedAt, pending.Reason, pending.Decision, pending.Offer,
            pending.Inputs is { } inputs && inputs.TryGetValue("currentValue", out var value) ? value : null);
    }
}
