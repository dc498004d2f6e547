using EventCrm.Relationship.Ingestion;

namespace EventCrm.Host.Touchpoints;

// How requests sharing a transaction get out of each other's way: a customer held locked elsewhere, races lost again and again.
public sealed partial class TouchpointAppender
{
    /// <summary>
    /// Of the batch's customers, the ones whose stream another transaction holds locked now, which a
    /// busy answer names; all of them if it let go meanwhile. Only after a lock wait timed out.
    /// </summary>
    private async Task<List<string>> HeldOf(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct) =>
        await HeldNowAsync(batch, ct) is { Count: > 0 } held ? held : batch.Select(t => t.CustomerId).Distinct().ToList();

    /// <summary>Of these touchpoints' customers, the ones whose stream another transaction holds locked now.</summary>
    private async Task<List<string>> HeldNowAsync(IEnumerable<IncomingTouchpoint> touchpoints, CancellationToken ct)
    {
        var held = new List<string>();
        foreach (var items in touchpoints.GroupBy(t => _databases.TenantOf(t.CustomerId)))
        {
            await using var connection = (await _databases.DatabaseIn(items.Key)).CreateConnection();
            await connection.OpenAsync(ct);
            held.AddRange(await _rows.HeldElsewhereAsync(connection, items.Select(i => i.CustomerId).Distinct().ToArray(), ct));
        }
        return held;
    }

    /// <summary>
    /// After a shared transaction waited in vain for a stream lock: the requests touching a customer
    /// held now are answered busy, having waited for it as long as the bound; the others are decided
    /// again together, without them. Not waiting again for a customer just found held is what keeps a
    /// writer from losing twice the bound to each request for it. With none held any more (let go
    /// meanwhile), one by one, each waiting for its own customers only (<see cref="OneByOneAsync"/>).
    /// The probe also sees the rows the other writer holds at that instant: a request for such a
    /// customer in this transaction is answered busy too, rarely, and lands when sent again.
    /// </summary>
    private async Task<AppendOutcome[]> WithoutHeldAsync(IReadOnlyList<AppendRequest> requests, IReadOnlyDictionary<string, StoredTouchpoint> claimed,
        Task<bool>? commitAfter, CancellationToken ct)
    {
        var held = (await HeldNowAsync(requests.SelectMany(r => r.Batch), ct)).ToHashSet(StringComparer.Ordinal);
        var touching = requests.Select(r => r.Batch.Any(t => held.Contains(t.CustomerId))).ToArray();
        if (held.Count == 0) return await OneByOneAsync(requests, claimed, commitAfter, ct);
        _logger.LogInformation("The stream of {Customers} stayed locked by another transaction for {Wait}: its requests answered busy, the others decided again",
            string.Join(", ", held.Order(StringComparer.Ordinal).Take(10)), StreamLocks.SharedWait);

        var outcomes = requests.Select((r, i) => touching[i]
            ? new AppendOutcome([], [], Busy: r.Batch.Select(t => t.CustomerId).Distinct().Where(held.Contains).ToList())
            : null).ToArray();
        var free = Enumerable.Range(0, requests.Count).Where(i => !touching[i]).ToList();
        if (free.Count > 0)
        {
            var freeOutcomes = await AppendTogetherAsync(free.Select(i => requests[i]).ToList(), claimed, commitAfter, ct);
            for (var k = 0; k < free.Count; k++) outcomes[free[k]] = freeOutcomes[k];
        }
        return outcomes!;
    }

    /// <summary>
    /// A race lost again and again is most likely one request's (a stream no profile knows of, which
    /// every attempt tries to create again), and a stream lock not had in time is one customer's,
    /// held elsewhere: alone, that request no longer costs the others their answers.
    /// </summary>
    private async Task<AppendOutcome[]> OneByOneAsync(IReadOnlyList<AppendRequest> requests, IReadOnlyDictionary<string, StoredTouchpoint> claimed,
        Task<bool>? commitAfter, CancellationToken ct)
    {
        var outcomes = new AppendOutcome[requests.Count];
        // A customer found held alone is not waited for again by every other request touching it.
        var held = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
        {
            var customers = requests[i].Batch.Select(t => t.CustomerId).Distinct().ToList();
            outcomes[i] = customers.Any(held.Contains)
                ? new AppendOutcome([], [], Busy: customers.Where(held.Contains).ToList())
                : (await AppendTogetherAsync([requests[i]], claimed, commitAfter, ct))[0];
            if (outcomes[i].Busy is [var one]) held.Add(one);
        }
        return outcomes;
    }
}
