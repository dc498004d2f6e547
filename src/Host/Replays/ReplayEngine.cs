using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Host.Telemetry;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using EventCrm.Host.Models;
using EventCrm.Host.Reliability;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Host.Replays;

/// <summary>
/// Streams the log customer by customer (never whole in memory), replays each customer with the
/// pure value functions on every core, and writes the results chunk by chunk with binary COPY.
/// Each chunk commits with its results, so a crashed replay resumes after the last customer written.
/// </summary>
public sealed class ReplayEngine(IDocumentStore store, CustomerDatabases databases, PortfolioModels models, TimeProvider clock, EventCrmMetrics metrics,
    PreparedStatementsOutOfStep outOfStep, Audit.MisplacedStreams misplaced, ILogger<ReplayEngine> logger)
{
    private const int CustomersPerChunk = 250;

    /// <summary>Runs of a replay in all, the first included, when each meets a connection out of step: a third reset in a row would be another fault.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// A run meeting a pooled connection out of step (<see cref="PreparedStatementsOutOfStep"/>) closes the
    /// node's pooled connections and runs again at once, on fresh ones. Running again writes nothing twice:
    /// the results table is the replay's checkpoint (each chunk commits whole with its results), and the run
    /// resumes after the last customer written, as after a crash.
    /// </summary>
    public async Task RunAsync(string replayId, Action<ReplayRun>? progress, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunOnceAsync(replayId, progress, attempt, ct);
                return;
            }
            catch (Exception e) when (attempt < MaxAttempts && PreparedStatementsOutOfStep.Caused(e))
            {
                logger.LogWarning(
                    "Replay {Replay}: a database connection had lost track of its prepared statements ({Error}); the node's pooled connections are closed " +
                    "and opened afresh; run again now, after the last customer written (attempt {Attempt} of {MaxAttempts})",
                    replayId, DatabaseFaults.Chain(e).Last().Message, attempt + 1, MaxAttempts);
                await outOfStep.ReopenConnectionsAsync();
            }
        }
    }

    /// <param name="attempt">From 1 to <see cref="MaxAttempts"/>: on the last, a connection out of step fails the run (recorded <c>failed</c>) rather than ending this attempt for another.</param>
    private async Task RunOnceAsync(string replayId, Action<ReplayRun>? progress, int attempt, CancellationToken ct)
    {
        await using var writing = store.Storage.Database.CreateConnection();
        await writing.OpenAsync(ct);
        // Two requests for the same new replay at the same moment both start it: one engine runs it,
        // any other finds the run taken and leaves it.
        if (!await TakeAsync(writing, replayId, patient: attempt > 1, ct))
        {
            logger.LogInformation("Replay {Replay} is already being computed by another engine", replayId);
            return;
        }
        try
        {
            await RunTakenAsync(replayId, writing, progress, lastAttempt: attempt == MaxAttempts, ct);
        }
        finally
        {
            // A pooled connection keeps its session, and the lock with it, until it is used again.
            await ReplayStorage.ReleaseAsync(writing, replayId);
        }
    }

    /// <summary>
    /// Takes the replay; <paramref name="patient"/>, when running again: an earlier attempt whose connection could not
    /// give the lock back (out of step too) had it closed with the pool, and the server lets its lock go with the
    /// session, a moment later.
    /// </summary>
    private static async Task<bool> TakeAsync(NpgsqlConnection connection, string replayId, bool patient, CancellationToken ct)
    {
        // Patient: 20 tries 100 ms apart.
        for (var tries = patient ? 20 : 1; ; await Task.Delay(100, ct))
        {
            if (await ReplayStorage.TryTakeAsync(connection, replayId, ct)) return true;
            if (--tries == 0) return false;
        }
    }

    private async Task RunTakenAsync(string replayId, NpgsqlConnection writing, Action<ReplayRun>? progress, bool lastAttempt, CancellationToken ct)
    {
        var run = await LoadAsync(replayId, ct);
        if (run is null || run.State != ReplayStates.Running) return;
        try
        {
            run = await ReplayAsync(run, writing, progress, ct);
            await SaveAsync(run with { State = ReplayStates.Completed, CompletedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow() }, progress, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && (lastAttempt || !PreparedStatementsOutOfStep.Caused(e)))
        {
            logger.LogError(e, "Replay {Replay} failed", replayId);
            // So that the replay asked again runs on fresh connections, not on those left in the pool.
            if (PreparedStatementsOutOfStep.Caused(e)) await outOfStep.ReopenConnectionsAsync();
            await SaveAsync(run with { State = ReplayStates.Failed, Error = ReasonOf(e), UpdatedAt = clock.GetUtcNow() }, progress, CancellationToken.None);
        }
    }

    /// <summary>The failures themselves, not the "One or more errors occurred" that wraps those of the cores valuing a chunk.</summary>
    private static string ReasonOf(Exception e) => e switch
    {
        AggregateException many => string.Join("; ", many.Flatten().InnerExceptions.Select(inner => inner.Message).Distinct()),
        // The reading stage's failure, passed on through the channel of chunks.
        ChannelClosedException { InnerException: { } inner } => ReasonOf(inner),
        _ => e.Message,
    };

    private async Task<ReplayRun> ReplayAsync(ReplayRun run, NpgsqlConnection writing, Action<ReplayRun>? progress, CancellationToken ct)
    {
        var model = run.ModelFittedAt is { } fitted ? (await models.KnownAtAsync(fitted, ct)).Model : PortfolioModel.Default;
        var readings = (await databases.AllAsync()).Select(d => d.CreateConnection()).ToList();
        await Task.WhenAll(readings.Select(r => r.OpenAsync(ct)));
        try
        {
            return await ReplayAsync(run, model, readings, writing, progress, ct);
        }
        finally
        {
            foreach (var reading in readings) await reading.DisposeAsync();
        }
    }

    private async Task<ReplayRun> ReplayAsync(ReplayRun run, PortfolioModel model, IReadOnlyList<NpgsqlConnection> readings, NpgsqlConnection writing,
        Action<ReplayRun>? progress, CancellationToken ct)
    {
        var schema = ReplayStorage.SchemaOf(store);
        var (last, eventsDone, customersDone, notComputable) = await ReplayStorage.ProgressAsync(writing, schema, run.Id, ct);
        var (watch, eventsAtStart) = (Stopwatch.StartNew(), eventsDone);

        // Three stages overlap: the log is read while the previous chunk is deserialised and valued
        // on every core, while the one before it is copied into the results table.
        var serializer = store.Options.Serializer();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chunks = Channel.CreateBounded<List<ReplayedStream>>(1);
        // Each database sorts ids by its own collation (en-US, say), which no order in here can follow
        // for all of them: over several, a resumed run reads them from the start again and leaves
        // out the customers already written.
        var done = readings.Count > 1 && last is not null ? await ReplayStorage.CustomersWrittenAsync(writing, schema, run.Id, ct) : null;
        var reader = Task.Run(() => ReadChunksAsync(readings, run, done is null ? last : null, done, chunks.Writer, stop.Token), stop.Token);
        Task written = Task.CompletedTask;
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(stop.Token))
            {
                var rows = Value(chunk, run, model, serializer);
                await written;
                var events = rows.Sum(r => (long)r.Events);
                (eventsDone, customersDone) = (eventsDone + events, customersDone + rows.Length);
                metrics.Replayed(events, rows.Length);
                notComputable += rows.Count(r => r.NotComputable is not null);
                run = run with { EventsDone = eventsDone, CustomersDone = customersDone, CustomersNotComputable = notComputable, UpdatedAt = clock.GetUtcNow(),
                    EventsPerSecond = Math.Round((eventsDone - eventsAtStart) / Math.Max(0.001, watch.Elapsed.TotalSeconds)) };
                written = WriteAsync(writing, schema, run, rows, progress, stop.Token);
            }
            await written;
            await reader;
        }
        catch
        {
            await stop.CancelAsync();
            await Task.WhenAll(reader, written).ContinueWith(_ => { }, CancellationToken.None);
            throw;
        }
        return run;
    }

    private static readonly IComparer<ReplayedStream> InIdOrder = Comparer<ReplayedStream>.Create((a, b) => string.CompareOrdinal(a.CustomerId, b.CustomerId));

    /// <summary>
    /// Each database is read in its customer-id order up to its own end of log, and the databases
    /// are merged (a customer lives in one). One database resumes after the last customer written;
    /// several skip the customers written instead.
    /// </summary>
    private async Task ReadChunksAsync(IReadOnlyList<NpgsqlConnection> connections, ReplayRun run, string? after,
        IReadOnlySet<string>? written, ChannelWriter<List<ReplayedStream>> chunks, CancellationToken ct)
    {
        try
        {
            var chunk = new List<ReplayedStream>(CustomersPerChunk);
            var logs = connections.Select((connection, i) =>
                InPlace(ReplayLog.CustomersAsync(connection, store.Options.DatabaseSchemaName, run.HighWaters?[i] ?? run.HighWater, after, ct),
                    databases.Names[i])).ToList();
            await foreach (var customer in SortedMerge.Merge(logs, InIdOrder, ct))
            {
                if (written?.Contains(customer.CustomerId) == true) continue;
                chunk.Add(customer);
                if (chunk.Count < CustomersPerChunk) continue;
                await chunks.WriteAsync(chunk, ct);
                chunk = new List<ReplayedStream>(CustomersPerChunk);
            }
            if (chunk.Count > 0) await chunks.WriteAsync(chunk, ct);
            chunks.Complete();
        }
        catch (Exception e)
        {
            chunks.Complete(e);
            throw;
        }
    }

    /// <summary>The database's customers, stopping at one whose id routes to another database: it would be counted twice.</summary>
    private async IAsyncEnumerable<ReplayedStream> InPlace(IAsyncEnumerable<ReplayedStream> customers, string database,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var customer in customers.WithCancellation(ct))
        {
            if (misplaced.IsMisplaced(customer.CustomerId, database))
                throw new MisplacedStreamException(customer.CustomerId, database, databases.TenantOf(customer.CustomerId));
            yield return customer;
        }
    }

    private static ReplayStorage.Row[] Value(List<ReplayedStream> chunk, ReplayRun run, PortfolioModel model, ISerializer serializer)
    {
        var rows = new ReplayStorage.Row[chunk.Count];
        Parallel.For(0, chunk.Count, i =>
        {
            var (id, touchpoints) = (chunk[i].CustomerId, chunk[i].Touchpoints(serializer));
            var replayed = ValueReplay.Customer(id, touchpoints, run.AsOf, run.Formula, run.LiveFormula, model);
            var (value, live) = (replayed.Value, replayed.Live);
            rows[i] = new ReplayStorage.Row(id, value.Current, value.Potential, value.Tier, live.Current, live.Tier, touchpoints.Count,
                value.Valuation is { } valuation ? JsonSerializer.SerializeToUtf8Bytes(valuation, ReplayJson.Default.CustomerValuation) : "null"u8.ToArray(),
                value.NotComputable);
        });
        return rows;
    }

    /// <summary>A chunk's results and the run's progress: the results table is the checkpoint, the run document what callers poll.</summary>
    private async Task WriteAsync(NpgsqlConnection connection, string schema, ReplayRun run, ReplayStorage.Row[] rows, Action<ReplayRun>? progress, CancellationToken ct)
    {
        if (rows.Length == 0) return;
        await ReplayStorage.WriteAsync(connection, schema, run.Id, rows, ct);
        await SaveAsync(run, progress, ct);
    }

    private async Task<ReplayRun?> LoadAsync(string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ReplayRun>(id, ct);
    }

    private async Task SaveAsync(ReplayRun run, Action<ReplayRun>? progress, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(run);
        await session.SaveChangesAsync(ct);
        progress?.Invoke(run);
    }
}
