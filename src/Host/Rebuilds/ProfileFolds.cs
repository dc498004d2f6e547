using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using Marten;

namespace EventCrm.Host.Rebuilds;

/// <summary>A customer's profile folded from its stream, and the stream's version it was folded up to.</summary>
public sealed record FoldedProfile(CustomerProfile? Profile, long Version);

/// <summary>
/// Reads customers' streams and folds each from its first event with the projection's current
/// code: the slow part of a page of the profiles' rebuild (tens of thousands of events read and
/// deserialized), which is why the rebuild does it before it locks the page's streams
/// (<see cref="InPlaceProfileRebuild"/>). Not sealed: a scenario slows it down to show that
/// writers do not wait for it.
/// </summary>
public class ProfileFolds(CustomerDatabases databases)
{
    private readonly CustomerProfileProjection _projection = new();

    public virtual async Task<Dictionary<string, FoldedProfile>> FoldAsync(string tenant, IReadOnlyList<string> customerIds, CancellationToken ct)
    {
        await using var query = databases.QueryIn(tenant);
        var ids = customerIds.ToArray();
        var events = (await query.Events.QueryAllRawEvents().Where(e => e.StreamKey.IsOneOf(ids)).ToListAsync(ct)).ToLookup(e => e.StreamKey!);
        var folded = new Dictionary<string, FoldedProfile>();
        foreach (var id in ids)
        {
            CustomerProfile? profile = null;
            long version = 0;
            foreach (var e in events[id].OrderBy(e => e.Version)) (profile, version) = (_projection.Evolve(profile, id, e), e.Version);
            folded[id] = new FoldedProfile(profile, version);
        }
        return folded;
    }
}
