using EventCrm.Host.Telemetry;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Ingestion;

namespace EventCrm.Host.Imports;

/// <summary>
/// The second pass of an import: appends the file's batches in order, two at a time when they
/// share no customer and no touchpoint id. The next batch is decided and written, in a
/// transaction of its own, while the one before commits, and commits only after it
/// (<see cref="TouchpointAppender.AppendAfterAsync"/>): the store holds a prefix of the file
/// whenever the import stops. Batches that share a customer go one after the other, the second
/// deciding against what the first wrote.
/// </summary>
internal sealed class ImportAppendPass(TouchpointAppender appender, AppendContext context, bool skipInvalid,
    Action<ImportPhase, double>? progress, EventCrmMetrics metrics, CancellationToken ct)
{
    private sealed record InFlight(Task<bool> Committed, HashSet<string> Customers, HashSet<string> TouchpointIds);

    private InFlight? _before;

    public int Imported { get; private set; }
    public int Repeated { get; private set; }
    public int? StoppedAt { get; private set; }
    public List<ImportLineError> Refused { get; } = [];

    /// <summary>Sends the batch on its way; answers false once the import has stopped (the batch is then not appended).</summary>
    public async Task<bool> AddAsync(List<IncomingTouchpoint> batch, double position)
    {
        if (batch.Count == 0) return true;
        var customers = batch.Select(i => i.CustomerId).ToHashSet(StringComparer.Ordinal);
        var touchpointIds = batch.Select(i => i.Touchpoint.TouchpointId).ToHashSet(StringComparer.Ordinal);
        if (_before is { } shared && (shared.Customers.Overlaps(customers) || shared.TouchpointIds.Overlaps(touchpointIds)))
        {
            _before = null;
            if (!await shared.Committed) return false;
        }

        var after = _before?.Committed;
        var committed = AppendAsync(batch, after, position);
        _before = new InFlight(committed, customers, touchpointIds);
        if (after is null) return true;
        try
        {
            if (await after) return true;
        }
        catch
        {
            await committed.ContinueWith(_ => { }, CancellationToken.None);
            throw;
        }
        await committed;
        return false;
    }

    /// <summary>Waits for the last batch in flight.</summary>
    public async Task FinishAsync()
    {
        if (_before is { } last) await last.Committed;
        _before = null;
    }

    /// <summary>Appends one batch after <paramref name="after"/> has committed; answers whether the import goes on.</summary>
    private async Task<bool> AppendAsync(List<IncomingTouchpoint> batch, Task<bool>? after, double position)
    {
        var outcome = await appender.AppendAfterAsync(batch, context, after, ct);
        // Counts and reports in file order: nothing of this batch is told before the one before it.
        if (after is not null && !await after || outcome.Withdrawn) return false;

        // Refused now but not in the check: another writer got there in between. Skipping
        // mode drops those rows and appends the rest; otherwise the import stops here.
        while (!outcome.Accepted && skipInvalid && outcome.Rejections.Count > 0)
        {
            Refused.AddRange(outcome.Rejections.Select(r => new ImportLineError(r.Index, r.Reason, LineErrorKind.Refused)));
            var refused = outcome.Rejections.Select(r => r.Index).ToHashSet();
            batch = batch.Where(i => !refused.Contains(i.Index)).ToList();
            outcome = batch.Count == 0 ? new AppendOutcome([], []) : await appender.AppendAfterAsync(batch, context, null, ct);
        }
        Imported += outcome.Appended;
        metrics.Imported(outcome.Appended, outcome.Accepted ? outcome.Repeated : 0);
        metrics.CountOfferAnswers(outcome, batch);
        if (!outcome.Accepted)
        {
            Refused.AddRange(outcome.TooMuchContention
                ? [new ImportLineError(batch[0].Index, "too many concurrent writes on the same customers; re-run the import", LineErrorKind.Refused)]
                : outcome.IsBusy
                    // A batch appended on its own waits for stream locks at most StreamLocks.SharedWait: say whose.
                    ? [new ImportLineError(batch[0].Index, $"customer {string.Join(", ", outcome.Busy!)} is busy: its stream stayed locked by another " +
                        $"transaction for {StreamLocks.SharedWait.TotalSeconds:0} s; send the file again once it is released", LineErrorKind.Refused)]
                    : outcome.Rejections.Select(r => new ImportLineError(r.Index, r.Reason, LineErrorKind.Refused)));
            StoppedAt = batch[0].Index;
            return false;
        }
        Repeated += outcome.Repeated;
        progress?.Invoke(ImportPhase.Appending, position);
        return true;
    }
}
