using System.Diagnostics;
using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// The valuation every portfolio route answers from. Valuing the base reads every ledger (minutes at a million
/// customers), so no request waits for one: a request is answered from the last completed valuation (its
/// <c>asOf</c> says when it was made) and, when that is older than <c>Portfolio:RefreshAfter</c>, starts the next one
/// in the background, one at a time on this node. The first valuation is started as soon as the node has started
/// (<see cref="PortfolioValuationAtStart"/>); a request coming before it has completed, having nothing to answer
/// from, waits for it, at most <c>Portfolio:FirstValuationWait</c> (then a 503 with Retry-After);
/// and so, with the same bound, does a request finding the last valuation older than the refreshes of a node in use
/// would leave it (<c>RefreshAfter</c> plus twice the last valuation's duration), answered from it only past the bound.
/// Before its first valuation has completed, a node answers from the last valuation stored by any node under the formula
/// and model in force, if no older than <c>Portfolio:StoredValuationMaxAge</c> (<see cref="StoredValuations"/>), as of
/// that valuation's time, loaded once; it is replaced by the node's own as soon as
/// that completes, and stored in its turn when the last stored one is older than <c>Portfolio:StoreValuationEvery</c>.
/// Whatever it answers from, the customers erased since that valuation was begun, on any node, are redacted first
/// (<see cref="PortfolioErasures"/>). When the latest valuation failed, the one before it is not answered as if current
/// (it was made under what was in force then): a request starts the next one and waits for it as for the first, and is
/// answered 503 with Retry-After if it does not complete meanwhile (<see cref="PortfolioValuationFailedException"/>).
/// A valuation reads the ledgers the async daemon keeps, and notes how far they had folded the log when it began
/// (<see cref="LedgerProgress"/>, in every answer): one made while they were not caught up (the daemon building them after a
/// seed, an import or a rebuild in place) values only the customers folded so far, so it is not stored for other nodes,
/// and the node looks at the ledgers every <see cref="LedgerCatchUpPoll"/> and values the base again as soon as they
/// have caught up, without waiting for <c>RefreshAfter</c> and a request.
/// </summary>
public sealed class PortfolioBase(PortfolioValuation valuation, PortfolioErasures erasures, StoredValuations stored, IConfiguration configuration,
    TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<PortfolioBase> logger)
{
    public const string RefreshAfterKey = "Portfolio:RefreshAfter";
    public const string FirstValuationWaitKey = "Portfolio:FirstValuationWait";
    public static readonly TimeSpan DefaultRefreshAfter = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultFirstValuationWait = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _refreshAfter = Settings.Duration(configuration, RefreshAfterKey, DefaultRefreshAfter);
    private readonly TimeSpan _firstWait = Settings.Duration(configuration, FirstValuationWaitKey, DefaultFirstValuationWait);
    private readonly int _pageSize = PortfolioValuation.PageSizeOf(configuration);

    private readonly Lock _gate = new();
    private PortfolioSnapshot? _last;
    private DateTimeOffset _lastCompletedAt;
    private TimeSpan _lastDuration;
    private (Task<PortfolioSnapshot> Task, DateTimeOffset StartedAt)? _running;
    // The stored valuation, loaded once, while the node has none of its own: null when there is none usable.
    private Task<PortfolioSnapshot?>? _storedLoad;
    private bool _lastIsStored;
    // The latest valuation's failure, when it failed: cleared by the next that completes.
    private (DateTimeOffset BegunAt, Exception Error)? _lastFailure;
    private static readonly Task<PortfolioSnapshot> Never = new TaskCompletionSource<PortfolioSnapshot>().Task;
    // Waiting for the ledgers to catch up after a valuation made while they were behind: one at a time.
    private Task? _waitingForLedgers;

    /// <summary>
    /// How often a node whose last valuation was made over ledgers behind the log looks at them again: two small reads
    /// per database (<see cref="LedgerLag"/>), so that the valuation of the whole base follows within a second of their catching up.
    /// </summary>
    public static readonly TimeSpan LedgerCatchUpPoll = TimeSpan.FromSeconds(1);

    /// <summary>Whether the node waits for the ledgers to catch up before valuing the base again.</summary>
    public bool WaitingForLedgers { get { lock (_gate) return _waitingForLedgers is not null; } }

    /// <summary>How the last completed valuation read the base (pages of documents), for the tests and the log.</summary>
    public ValuationReads? LastReads { get; private set; }

    /// <summary>Whether the valuation answered from is a stored one (this node's own is not made yet).</summary>
    public bool AnswersFromStoredValuation { get { lock (_gate) return _last is not null && _lastIsStored; } }

    /// <summary>Whether a valuation is under way on this node.</summary>
    public bool Valuing { get { lock (_gate) return _running is not null; } }

    public static void CheckSettings(IConfiguration configuration)
    {
        Settings.Duration(configuration, RefreshAfterKey, DefaultRefreshAfter);
        Settings.Duration(configuration, FirstValuationWaitKey, DefaultFirstValuationWait);
        PortfolioValuation.PageSizeOf(configuration);
        PortfolioValuationAtStart.ValuesAtStart(configuration);
        LedgerProgress.CaughtUpWithinOf(configuration);
        StoredValuations.IsOn(configuration);
        StoredValuations.StoreEveryOf(configuration);
        StoredValuations.MaxAgeOf(configuration);
    }

    /// <summary>
    /// The valuation to answer from, without the names and emails of the customers erased since it was begun (on any
    /// node): a query per database each time, so that no answer begun after an erasure was answered holds them.
    /// If it cannot be made (the database away) the request fails rather than risk serving them.
    /// </summary>
    public async Task<PortfolioSnapshot> LoadAsync(CancellationToken ct)
    {
        var found = await LastOrNextAsync(ct);
        return Publish(found, await erasures.RedactAsync(found, ct));
    }

    private async Task<PortfolioSnapshot> LastOrNextAsync(CancellationToken ct)
    {
        (Task<PortfolioSnapshot> Task, DateTimeOffset StartedAt) next;
        PortfolioSnapshot? stale;
        Task<PortfolioSnapshot> storedFound = Never;
        (DateTimeOffset BegunAt, Exception Error)? failed = null;
        lock (_gate)
        {
            stale = _last;
            // The valuation answered from was followed by one that failed: waited for as the first, its figures not served.
            if (stale is not null && _lastFailure is { } failure)
            {
                failed = failure;
                next = StartLocked();
            }
            // A stored valuation is answered from at once (its asOf says how old: no older than StoredValuationMaxAge when it
            // was loaded), while the node's own is made.
            else if (stale is not null && _lastIsStored)
            {
                StartLocked();
                return stale;
            }
            else if (stale is not null)
            {
                var age = clock.GetUtcNow() - _lastCompletedAt;
                if (age < _refreshAfter) return stale;
                next = StartLocked();
                // Older than the node's own refreshes would leave it while managers read (a node left
                // quiet for an hour, say): waited for, as the first, rather than served from that hour.
                if (age < _refreshAfter + 2 * _lastDuration) return stale;
            }
            else
            {
                var load = LoadStoredLocked();
                storedFound = FoundOnly(load);
                next = load.IsCompleted ? StartLocked() : (ValueOnceLoaded(load), clock.GetUtcNow());
            }
        }
        await Task.WhenAny(next.Task, storedFound, Task.Delay(_firstWait, clock, ct));
        ct.ThrowIfCancellationRequested();
        if (next.Task.IsCompletedSuccessfully) return next.Task.Result;
        if (failed is { } f)
        {
            // The attempt this request waited for may have failed in its turn: the latest failure is the one to tell.
            var (begunAt, error) = next.Task.Exception?.InnerException is { } again ? (next.StartedAt, again) : f;
            throw new PortfolioValuationFailedException(begunAt, error, stale!.AsOf, stale.Formula);
        }
        if (storedFound.IsCompletedSuccessfully) return storedFound.Result;
        if (stale is not null) return stale;
        if (!next.Task.IsCompleted) throw new PortfolioNotValuedYetException(next.StartedAt);
        return await next.Task;
    }

    /// <summary>
    /// Starts a valuation in the background unless one is under way, and returns at once (<see cref="PortfolioValuationAtStart"/>).
    /// Its failure is logged by the valuation itself; the next request past <c>RefreshAfter</c>, or the first one, tries again.
    /// </summary>
    public void StartValuing()
    {
        Task<PortfolioSnapshot> started;
        lock (_gate)
        {
            var load = _last is null ? LoadStoredLocked() : Task.FromResult<PortfolioSnapshot?>(null);
            started = load.IsCompleted ? StartLocked().Task : ValueOnceLoaded(load);
        }
        // Observed here, as no request awaits it.
        _ = started.ContinueWith(failed => failed.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// Values the base afresh and waits for it: a valuation already under way may have begun before what the caller
    /// just wrote, so it is let finish and a new one made. For tests and tools; requests never call it.
    /// </summary>
    public async Task<PortfolioSnapshot> RevalueAsync()
    {
        Task<PortfolioSnapshot>? under;
        lock (_gate) under = _running?.Task;
        if (under is not null) await under.ContinueWith(_ => { }, TaskScheduler.Default);
        Task<PortfolioSnapshot> fresh;
        lock (_gate) fresh = StartLocked().Task;
        return await fresh;
    }

    /// <summary>
    /// An erasure made on this node: the last valuation is redacted at once (<see cref="Publish"/>), so that the next answer
    /// here need not. Every answer redacts anyway (<see cref="LoadAsync"/>), so a
    /// failure here is only logged: the erasure is done.
    /// </summary>
    public async Task ForgetErasedAsync(CancellationToken ct)
    {
        PortfolioSnapshot? last;
        lock (_gate) last = _last;
        if (last is null) return;
        try
        {
            Publish(last, await erasures.RedactAsync(last, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Redacting the portfolio's valuation after an erasure failed; the next portfolio answer redacts it");
        }
    }

    /// <summary>
    /// A redacted copy of the last valuation replaces it, so the next answers need not redact it again (one that is no
    /// longer the last is only answered), and its data quality is made again in the background: at a million customers a
    /// pass over the base, which an answer asking for it meanwhile shares rather than makes.
    /// </summary>
    private PortfolioSnapshot Publish(PortfolioSnapshot source, PortfolioSnapshot redacted)
    {
        if (ReferenceEquals(source, redacted)) return redacted;
        lock (_gate)
            if (ReferenceEquals(_last, source)) _last = redacted;
        _ = Task.Run(redacted.Warm);
        return redacted;
    }

    // A load that found nothing never completes: the request waits on for the node's own valuation.
    private static async Task<PortfolioSnapshot> FoundOnly(Task<PortfolioSnapshot?> load) => await load ?? await Never;

    /// <summary>
    /// The node's own valuation, started once the stored one is loaded (or found unusable): the two side by side took each
    /// other's cores, and the stored one, which the first answers wait for, came 4 times slower (docs/scaling.md).
    /// </summary>
    private Task<PortfolioSnapshot> ValueOnceLoaded(Task<PortfolioSnapshot?> load) =>
        load.ContinueWith(_ => { lock (_gate) return StartLocked().Task; }, TaskScheduler.Default).Unwrap();

    /// <summary>Loads the stored valuation once, in the background, and answers from it if the node's own is not made by then.</summary>
    private Task<PortfolioSnapshot?> LoadStoredLocked() => _storedLoad ??= !stored.Enabled ? Task.FromResult<PortfolioSnapshot?>(null) : Task.Run(async () =>
    {
        var loaded = await stored.LoadAsync(lifetime.ApplicationStopping);
        if (loaded is null) return null;
        lock (_gate)
        {
            if (_last is not null) return _last;
            (_last, _lastIsStored) = (loaded, true);
        }
        // Answered from as soon as it is ranked: what a route reads beyond that (pareto, data quality, the KPIs' index) is
        // computed here meanwhile, and a request for it shares that computation rather than making its own.
        var warming = Stopwatch.GetTimestamp();
        loaded.Warm();
        logger.LogInformation("The stored valuation's pareto, data quality and KPIs' index made in {Seconds:0.00} s", Stopwatch.GetElapsedTime(warming).TotalSeconds);
        return loaded;
    });

    private (Task<PortfolioSnapshot> Task, DateTimeOffset StartedAt) StartLocked()
    {
        if (_running is { } running) return running;
        // To the microsecond, as PostgreSQL keeps it: a stored valuation answers with the very time its node answered with.
        var now = clock.GetUtcNow();
        var startedAt = now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
        // Its own task on the thread pool: the request that starts it neither runs nor waits for it.
        _running = (Task.Run(() => ValueAsync(startedAt)), startedAt);
        return _running.Value;
    }

    private void WaitForLedgers()
    {
        lock (_gate) _waitingForLedgers ??= Task.Run(WaitForLedgersThenRevalueAsync);
    }

    private async Task WaitForLedgersThenRevalueAsync()
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            while (true)
            {
                // Real time, not the node's clock: a pause between two looks at the database, not a moment of the business.
                await Task.Delay(LedgerCatchUpPoll, stopping);
                try
                {
                    if ((await valuation.LedgerProgressAsync(stopping)).CaughtUp) break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug(e, "Reading how far the ledgers are behind failed; looked at again in {Poll}", LedgerCatchUpPoll);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            lock (_gate) _waitingForLedgers = null;
            return;
        }
        // Cleared first: the valuation below, behind again (an import begun meanwhile), must be able to wait in its turn.
        lock (_gate) _waitingForLedgers = null;
        logger.LogInformation("The ledgers have caught up with the log: the portfolio is valued again");
        try
        {
            // After the valuation under way, if any: it began while the ledgers were behind.
            await RevalueAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Logged by ValueAsync; the next request tries again.
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<PortfolioSnapshot> ValueAsync(DateTimeOffset now)
    {
        try
        {
            var (valued, reads) = await valuation.RunAsync(now, _pageSize, lifetime.ApplicationStopping);
            // Erasures committed while it read (on any node) are redacted before it is answered from.
            var snapshot = (await erasures.RedactAsync(valued, lifetime.ApplicationStopping)).Warm();
            lock (_gate)
            {
                (_last, _lastCompletedAt, LastReads, _running, _lastIsStored, _lastFailure) = (snapshot, clock.GetUtcNow(), reads, null, false, null);
                _lastDuration = _lastCompletedAt - now;
            }
            // Kept for the nodes that start next, in the background: the answers do not wait for it. Not when the ledgers
            // were behind (StoreIfDueAsync says so in the log).
            _ = Task.Run(() => stored.StoreIfDueAsync(snapshot, lifetime.ApplicationStopping));
            logger.LogInformation("Portfolio valued as of {AsOf}: {Customers} customers read in {Pages} pages (at most {LargestPage} documents at once) in {Seconds:0.00} s; managed heap {HeapMegabytes} MB",
                now, reads.Ledgers, reads.Pages, reads.LargestPage, (clock.GetUtcNow() - now).TotalSeconds, GC.GetTotalMemory(false) / 1_000_000);
            if (snapshot.LedgerProgress is { CaughtUp: false } behind)
            {
                logger.LogWarning("The portfolio valued as of {AsOf} covers only the customers folded so far: the ledgers were {EventsBehind} events behind the log " +
                                  "(at {Position} of {HighWaterMark}); it is valued again as soon as they have caught up", now, behind.EventsBehind, behind.Position, behind.HighWaterMark);
                WaitForLedgers();
            }
            if (snapshot.NotValued is { Customers: > 0 } notValued)
                logger.LogWarning("The portfolio valued as of {AsOf} under {Formula} counts {NotValued} customers as 0 ({Reasons}): they could not be valued (docs/value.md, section 11)",
                    now, $"{snapshot.Formula.Name}@{snapshot.Formula.Version}", notValued.Customers, notValued);
            return snapshot;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The node is stopping: the valuation is given up, nothing is wrong.
            lock (_gate) _running = null;
            throw;
        }
        catch (Exception e)
        {
            lock (_gate) (_running, _lastFailure) = (null, (now, e));
            // The last valuation is no longer served as current (LastOrNextAsync); the next request tries again.
            logger.LogError(e, "Valuing the portfolio as of {AsOf} failed", now);
            throw;
        }
    }
}
