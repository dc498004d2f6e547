using EventCrm.Host.Infrastructure;
using EventCrm.Host.Reliability;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Ingestion;

namespace EventCrm.Host.Imports;

/// <summary>
/// Turns a history file into back-dated touchpoints, through the one append path. Two passes over
/// the file: the first streams it and checks every row (fields, then the ingestion decision with
/// what the earlier rows will have done) and appends nothing; the second appends the valid rows
/// in batches, those the first pass kept or, past <see cref="KeptBetweenPassesKey"/>, the file
/// streamed again. A file with bad rows appends nothing unless the caller skips them. Touchpoint ids
/// are idempotency keys, so importing a file again appends nothing new, and re-running an import
/// that stopped half-way (a crash, a lost connection) finishes it. An import meeting a pooled
/// connection out of step (<see cref="PreparedStatementsOutOfStep"/>) does so itself, at once.
/// </summary>
public sealed class TouchpointImport(ImportCheckFactory checks, TouchpointAppender appender, TimeProvider clock, Marten.IDocumentStore store,
    IConfiguration configuration, EventCrm.Host.Telemetry.EventCrmMetrics metrics, PreparedStatementsOutOfStep outOfStep, ILogger<TouchpointImport> logger)
{
    /// <summary>Runs of an import in all, the first included, when each meets a connection out of step: a third reset in a row would be another fault.</summary>
    public const int MaxAttempts = 3;

    public const int BatchSize = 1000;
    /// <summary>
    /// Files up to this many rows (<see cref="DefaultKeptBetweenPasses"/> unless configured) are
    /// kept between the passes as the check read them, about 80 MB per 100,000 rows: the append pass
    /// then appends what was checked without reading the file again. Larger files are read again,
    /// so that memory does not grow with the file.
    /// </summary>
    public const string KeptBetweenPassesKey = "Import:KeptBetweenPasses";
    public const int DefaultKeptBetweenPasses = 100_000;

    /// <summary><see cref="KeptBetweenPassesKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int KeptBetweenPassesOf(IConfiguration configuration) => Settings.Count(configuration, KeptBetweenPassesKey, DefaultKeptBetweenPasses);
    /// <summary>Past this many new events the planner's statistics of the events table are stale enough to matter.</summary>
    private const int AnalyzeAfter = 10_000;

    /// <summary>
    /// Imports the file. A run failing on a pooled connection out of step closes the node's pooled
    /// connections and runs again at once, on fresh ones, with the same id and clock: the batches it
    /// committed (a prefix of the file, <see cref="ImportAppendPass"/>) are found stored by the next run
    /// and not appended again. The report counts them as imported, as if the import had run once.
    /// </summary>
    /// <param name="by">Who imports: the caller's key over HTTP; the import command when left out.</param>
    public Task<ImportReport> RunAsync(string path, bool skipInvalid, Action<ImportPhase, double>? progress, CancellationToken ct,
        ImportedBy? by = null) => RunAsync(ImportSource.OfFile(path), skipInvalid, progress, ct, by);

    /// <inheritdoc cref="RunAsync(string, bool, Action{ImportPhase, double}?, CancellationToken, ImportedBy?)"/>
    public async Task<ImportReport> RunAsync(ImportSource source, bool skipInvalid, Action<ImportPhase, double>? progress, CancellationToken ct,
        ImportedBy? by = null)
    {
        var importId = $"import-{Guid.NewGuid():N}";
        var now = clock.GetUtcNow();
        var importedBefore = 0;
        for (var attempt = 1; ; attempt++)
        {
            var run = new Attempt();
            try
            {
                var report = await RunOnceAsync(importId, now, run, source, skipInvalid, progress, ct, by);
                // What the earlier runs appended, this one found stored: imported all the same.
                return importedBefore == 0 ? report
                    : report with { Imported = report.Imported + importedBefore, Repeated = Math.Max(0, report.Repeated - importedBefore) };
            }
            catch (Exception e) when (PreparedStatementsOutOfStep.Caused(e))
            {
                importedBefore += run.Appending?.Imported ?? 0;
                await outOfStep.ReopenConnectionsAsync();
                if (attempt == MaxAttempts) throw;
                logger.LogWarning(
                    "Import {Import}: a database connection had lost track of its prepared statements ({Error}); the node's pooled connections are closed " +
                    "and opened afresh; run again now, {Imported} touchpoints appended so far (attempt {Attempt} of {MaxAttempts})",
                    importId, DatabaseFaults.Chain(e).Last().Message, importedBefore, attempt + 1, MaxAttempts);
            }
        }
    }

    /// <summary>One run's append pass, for its count of touchpoints appended should the run fail.</summary>
    private sealed class Attempt
    {
        public ImportAppendPass? Appending { get; set; }
    }

    private async Task<ImportReport> RunOnceAsync(string importId, DateTimeOffset now, Attempt run, ImportSource source, bool skipInvalid,
        Action<ImportPhase, double>? progress, CancellationToken ct, ImportedBy? by)
    {
        var checkingStarted = clock.GetTimestamp();
        var check = checks.Create();
        var bad = new BadRows();
        var rows = 0;
        var keepUpTo = KeptBetweenPassesOf(configuration);
        List<ImportBatch>? kept = [];
        var unreadable = await ForEachBatch(source, now, ImportPhase.Checking, progress, async batch =>
        {
            rows += batch.Valid.Count + batch.Invalid.Count;
            bad.Add(batch.Invalid);
            bad.Add(await check.CheckAsync(batch.Valid, ct));
            if (rows <= keepUpTo && !LargerThan(keepUpTo, rows, batch.Position)) kept?.Add(batch);
            else kept = null;
            return true;
        }, _ => false);
        if (unreadable is not null) return ImportReport.Unreadable(importId, unreadable);
        if (check.LinesToCompare is { Count: > 0 } lines)
        {
            var earlier = new Dictionary<int, IncomingTouchpoint>();
            await ForEachBatch(source, now, ImportPhase.Checking, null, batch =>
            {
                foreach (var item in batch.Valid.Where(i => lines.Contains(i.Index))) earlier[item.Index] = item;
                return Task.FromResult(true);
            }, _ => false);
            bad.Add(check.Compare(earlier));
        }
        var checking = clock.GetElapsedTime(checkingStarted);
        if (bad.Total > 0 && !skipInvalid)
            return new ImportReport(importId, ImportOutcome.Refused, rows, 0, 0, bad.Listed(), RejectedTotal: bad.Total, AnyInvalid: bad.AnyInvalid,
                Checking: checking);

        var appendingStarted = clock.GetTimestamp();
        // Rows with bad fields are not among the valid ones of their batch; refused ones are skipped by line.
        var badLines = bad.RefusedLines;
        var appending = run.Appending = new ImportAppendPass(appender, (by ?? ImportedBy.TheCommand).ContextOf(importId), skipInvalid, progress, metrics, ct);
        if (kept is null)
            await ImportBatches.ForEachAsync(source, now, BatchSize, badLines.Contains, batch => appending.AddAsync(batch.Valid, batch.Position), ct);
        else
            foreach (var batch in kept)
                if (!await appending.AddAsync(batch.Valid.Where(i => !badLines.Contains(i.Index)).ToList(), batch.Position)) break;
        await appending.FinishAsync();
        if (appending.StoppedAt is null) progress?.Invoke(ImportPhase.Appending, 1);
        bad.Add(appending.Refused);
        var (imported, repeated, stoppedAt) = (appending.Imported, appending.Repeated, appending.StoppedAt);

        if (imported >= AnalyzeAfter) await EventTableStatistics.RefreshAsync(store, ct);
        return new ImportReport(importId, stoppedAt is null ? ImportOutcome.Completed : ImportOutcome.Stopped, rows, imported, repeated, bad.Listed(),
            RejectedTotal: bad.Total, AnyInvalid: bad.AnyInvalid, StoppedAtLine: stoppedAt, Checking: checking, Appending: clock.GetElapsedTime(appendingStarted));
    }

    /// <summary>
    /// Whether the file will have more rows than are kept, judged from how far into it these rows
    /// reach (a fraction the read-ahead overstates, so a file near the limit is still kept until it
    /// passes it). A file that is not kept in the end is not kept from the start: rows kept and
    /// dropped half-way lived long enough to reach the garbage collector's oldest generation, where
    /// they stayed until a full collection came (one run of a million rows peaked 80 MB higher).
    /// </summary>
    private static bool LargerThan(int keepUpTo, int rowsSoFar, double position) => position > 0 && rowsSoFar / position > keepUpTo * 1.25;

    /// <summary>The file's batches of valid rows and the invalid rows beside them, with progress; answers a file-level error (header, quoting) or null.</summary>
    private static async Task<string?> ForEachBatch(ImportSource source, DateTimeOffset now, ImportPhase phase, Action<ImportPhase, double>? progress,
        Func<ImportBatch, Task<bool>> handle, Func<int, bool> skip)
    {
        var error = await ImportBatches.ForEachAsync(source, now, BatchSize, skip, async batch =>
        {
            if (!await handle(batch)) return false;
            progress?.Invoke(phase, batch.Position);
            return true;
        }, CancellationToken.None);
        if (error is null) progress?.Invoke(phase, 1);
        return error;
    }
}

/// <summary>A fresh check per import: it remembers the rows of one file.</summary>
public sealed class ImportCheckFactory(EventCrm.Host.Sharding.CustomerDatabases databases)
{
    public ImportCheck Create() => new(databases);
}
