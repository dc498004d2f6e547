using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using Marten;

namespace EventCrm.Host.Imports;

/// <summary>
/// The first pass of an import: asks the ingestion decision about every batch, as the appender
/// will, but with what the earlier rows of the file will have done to the store. A customer
/// signed up on line 10 is known on line 5,000; a touchpoint id used twice in the file is a
/// repeat or a conflict. Nothing is written. Remembers the accepted rows of the file (a few
/// hundred bytes each) to judge the later ones.
/// </summary>
public sealed class ImportCheck(CustomerDatabases databases)
{
    private readonly Dictionary<string, StoredTouchpoint> _acceptedInFile = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CustomerStanding> _standings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _absentFromStore = new(StringComparer.Ordinal);

    /// <summary>The rows of the batch the store would refuse, by line (the batch's indexes are line numbers).</summary>
    public async Task<IReadOnlyList<ImportLineError>> CheckAsync(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return [];
        var stored = await StoredTouchpoints(batch, ct);
        await LearnCustomers(batch, ct);
        var standings = batch.Select(i => i.CustomerId).Distinct()
            .Where(_standings.ContainsKey).ToDictionary(c => c, c => _standings[c]);

        var plan = IngestionDecision.Decide(batch, stored, standings);
        var refused = plan.Rejections.Select(r => r.Index).ToHashSet();
        var repeats = plan.Repeats.Select(r => r.Index).ToHashSet();
        foreach (var item in batch.Where(i => !refused.Contains(i.Index) && !repeats.Contains(i.Index)))
        {
            _acceptedInFile[item.Touchpoint.TouchpointId] = new StoredTouchpoint(item.CustomerId, item.Touchpoint);
            var before = _standings.GetValueOrDefault(item.CustomerId) ?? new CustomerStanding(0, false);
            _standings[item.CustomerId] = before with { HasSignedUp = before.HasSignedUp || item.Touchpoint is SignedUp };
        }
        return plan.Rejections.Select(r => new ImportLineError(r.Index, r.Reason, LineErrorKind.Refused)).ToList();
    }

    private async Task<Dictionary<string, StoredTouchpoint>> StoredTouchpoints(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var ids = batch.Select(i => i.Touchpoint.TouchpointId).Distinct().ToList();
        var eventIds = ids.Where(id => !_acceptedInFile.ContainsKey(id)).Select(TouchpointEventIds.For).ToArray();
        // Customers are spread over the databases (one, unless sharded): every one is asked.
        var events = eventIds.Length == 0 ? [] : (await databases.InEachAsync(session =>
            session.Events.QueryAllRawEvents().Where(e => e.Id.IsOneOf(eventIds)).ToListAsync(ct))).SelectMany(found => found).ToList();
        var stored = events.Where(e => e.Data is ITouchpoint)
            .ToDictionary(e => ((ITouchpoint)e.Data).TouchpointId, e => new StoredTouchpoint(e.StreamKey!, (ITouchpoint)e.Data));
        foreach (var id in ids)
            if (_acceptedInFile.TryGetValue(id, out var earlier)) stored[id] = earlier;
        return stored;
    }

    private async Task LearnCustomers(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var unseen = batch.Select(i => i.CustomerId).Distinct()
            .Where(c => !_standings.ContainsKey(c) && !_absentFromStore.Contains(c)).ToArray();
        if (unseen.Length == 0) return;
        var profiles = (await databases.InEachAsync(session => session.LoadManyAsync<CustomerProfile>(ct, unseen))).SelectMany(found => found);
        foreach (var profile in profiles)
            _standings[profile.Id] = new CustomerStanding(profile.Version, profile.HasSignedUp, profile.OpenOffers.Select(o => o.OfferId).ToHashSet());
        foreach (var customer in unseen.Where(c => !_standings.ContainsKey(c))) _absentFromStore.Add(customer);
    }
}
