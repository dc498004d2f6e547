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
/// repeat or a conflict. Nothing is written.
/// </summary>
public sealed class ImportCheck(CustomerDatabases databases)
{
    // Of the accepted rows it keeps only the touchpoint's event id (the store's own idempotency
    // key, derived from the touchpoint id) and its line: about 32 bytes a row, where the rows took
    // hundreds (790 MB for a million) and their id strings, with their entries, about 90. An id
    // seen again in a later batch is compared with its first row after the pass (see
    // LinesToCompare): whichever way that goes, the row appends nothing, so deciding it late
    // changes no other row's decision.
    private readonly Dictionary<Guid, int> _acceptedLines = [];
    private readonly List<(int EarlierLine, IncomingTouchpoint Later)> _toCompare = [];
    private readonly Dictionary<string, CustomerStanding> _standings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _absentFromStore = new(StringComparer.Ordinal);
    // The requests to cancel accepted on earlier lines, which a churn may name (few: one a request).
    private readonly Dictionary<string, StoredTouchpoint> _requestsInFile = new(StringComparer.Ordinal);

    /// <summary>The rows of the batch the store would refuse, by line (the batch's indexes are line numbers).</summary>
    public async Task<IReadOnlyList<ImportLineError>> CheckAsync(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var keys = batch.ToDictionary(i => i.Index, i => TouchpointEventIds.For(i.Touchpoint.TouchpointId));
        var seenInFile = batch.Where(i => _acceptedLines.ContainsKey(keys[i.Index])).ToList();
        foreach (var item in seenInFile) _toCompare.Add((_acceptedLines[keys[item.Index]], item));
        if (seenInFile.Count > 0)
        {
            var again = seenInFile.Select(i => i.Index).ToHashSet();
            batch = batch.Where(i => !again.Contains(i.Index)).ToList();
        }
        if (batch.Count == 0) return [];
        var lookUp = batch.SelectMany(i => IngestionDecision.IdsToLookUp(i.Touchpoint)).Distinct().ToList();
        var storedRead = StoredTouchpoints(lookUp.Select(TouchpointEventIds.For).Distinct().ToArray(), ct);
        await LearnCustomers(batch, ct);
        var stored = await storedRead;
        foreach (var id in lookUp)
            if (_requestsInFile.TryGetValue(id, out var request)) stored.TryAdd(id, request);
        var standings = batch.Select(i => i.CustomerId).Distinct()
            .Where(_standings.ContainsKey).ToDictionary(c => c, c => _standings[c]);

        var plan = IngestionDecision.Decide(batch, stored, standings, Line);
        var refused = plan.Rejections.Select(r => r.Index).ToHashSet();
        var repeats = plan.Repeats.Select(r => r.Index).ToHashSet();
        foreach (var item in batch.Where(i => !refused.Contains(i.Index) && !repeats.Contains(i.Index)))
        {
            _acceptedLines.TryAdd(keys[item.Index], item.Index);
            if (item.Touchpoint is CancellationRequested) _requestsInFile.TryAdd(item.Touchpoint.TouchpointId, new StoredTouchpoint(item.CustomerId, item.Touchpoint));
            _standings[item.CustomerId] = DecisionsInTurn.After(_standings.GetValueOrDefault(item.CustomerId), [item.Touchpoint]);
        }
        return plan.Rejections.Select(r => new ImportLineError(r.Index, r.Reason, LineErrorKind.Refused)).ToList();
    }

    /// <summary>The first rows of ids that came again in later batches: the import reads them back for <see cref="Compare"/>.</summary>
    public IReadOnlySet<int> LinesToCompare => _toCompare.Select(c => c.EarlierLine).ToHashSet();

    /// <summary>Later rows of an id whose content differs from its first row's (or whose first row is gone: the file changed under the import).</summary>
    public IEnumerable<ImportLineError> Compare(IReadOnlyDictionary<int, IncomingTouchpoint> earlierRows) => _toCompare
        .Where(c => !earlierRows.TryGetValue(c.EarlierLine, out var earlier)
                    || !IngestionDecision.SameContent(new StoredTouchpoint(earlier.CustomerId, earlier.Touchpoint), c.Later))
        .Select(c => new ImportLineError(c.Later.Index, IngestionDecision.ConflictingWith(c.Later, Line(c.EarlierLine)).Reason, LineErrorKind.Refused));

    private static string Line(int line) => $"line {line}";

    private async Task<Dictionary<string, StoredTouchpoint>> StoredTouchpoints(Guid[] eventIds, CancellationToken ct)
    {
        // Customers are spread over the databases (one, unless sharded): every one is asked. Most
        // rows of an import are new: which ids are stored is an index probe each, and only those
        // events are read whole (a query of Marten's events costs the Host milliseconds a batch).
        var recorded = (await databases.InEachAsync(session => session.AdvancedSql.QueryAsync<Guid>(
            $"select id from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_events where id = any(?)", ct, eventIds)))
            .SelectMany(found => found).ToArray();
        if (recorded.Length == 0) return [];
        var events = (await databases.InEachAsync(session =>
            session.Events.QueryAllRawEvents().Where(e => e.Id.IsOneOf(recorded)).ToListAsync(ct))).SelectMany(found => found).ToList();
        return events.Where(e => e.Data is ITouchpoint)
            .ToDictionary(e => ((ITouchpoint)e.Data).TouchpointId, e => new StoredTouchpoint(e.StreamKey!, (ITouchpoint)e.Data));
    }

    private async Task LearnCustomers(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var unseen = batch.Select(i => i.CustomerId).Distinct()
            .Where(c => !_standings.ContainsKey(c) && !_absentFromStore.Contains(c)).ToArray();
        if (unseen.Length == 0) return;
        var profiles = (await databases.InEachAsync(session => session.LoadManyAsync<CustomerProfile>(ct, unseen))).SelectMany(found => found);
        foreach (var profile in profiles)
            _standings[profile.Id] = profile.Standing();
        foreach (var customer in unseen.Where(c => !_standings.ContainsKey(c))) _absentFromStore.Add(customer);
    }
}
