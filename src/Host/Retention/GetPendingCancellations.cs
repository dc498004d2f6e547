using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Lifecycle;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Retention;

/// <param name="CurrentValue">The client's current value when the service assessed the request; null while it assesses.</param>
public sealed record PendingItemView(string CustomerId, string? Name, DateTimeOffset RequestedAt, string? Reason, string Decision, OfferView? Offer,
    decimal? CurrentValue);

public sealed record PendingCancellationsView(int Page, int PageSize, long Total, IReadOnlyList<PendingItemView> Items);

public static class GetPendingCancellationsEndpoint
{
    /// <summary>
    /// The desk's work list: every client asking to cancel. Clients with an open offer come first,
    /// the offer that lapses soonest first (the desk must reach them before it does); then the
    /// others, the oldest request first.
    /// </summary>
    [WolverineGet("/api/retention/pending"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the clients asking to cancel, open offers that lapse soonest first.", Body = typeof(PendingCancellationsView))]
    [Answers(400, "A page or pageSize out of range.")]
    public static async Task<IResult> Get(int? page, int? pageSize, CustomerDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var (pageNumber, size) = (page ?? 1, pageSize ?? 20);
        if (pageNumber is < 1 or > SearchCustomersEndpoint.MaxPage) return Problems.Invalid("page", $"must be between 1 and {SearchCustomersEndpoint.MaxPage:#,0}");
        if (size is < 1 or > SearchCustomersEndpoint.MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {SearchCustomersEndpoint.MaxPageSize}");

        var now = clock.GetUtcNow();
        var asking = (await databases.InEachAsync(session =>
                AskingToCancel(session).ToListAsync(ct)))
            .SelectMany(profiles => profiles)
            .Select(p => (Profile: p, Lapsing: p.OpenOffers.Where(o => RetentionDesk.StillOpen(o, now)).Select(o => o.ExpiresAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min()))
            .OrderBy(p => p.Lapsing == DateTimeOffset.MaxValue)
            .ThenBy(p => p.Lapsing)
            .ThenBy(p => p.Profile.LatestCancellationAt)
            .ThenBy(p => p.Profile.Id, StringComparer.Ordinal)
            .Select(p => p.Profile)
            .ToList();
        var items = new List<PendingItemView>();
        foreach (var profile in asking.Skip((pageNumber - 1) * size).Take(size))
            if (await PendingOf(profile, databases, ct) is { } item) items.Add(item);
        return Results.Ok(new PendingCancellationsView(pageNumber, size, asking.Count, items));
    }

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
