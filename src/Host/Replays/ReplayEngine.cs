using EventCrm.Host.Sharding;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EventCrm.Host.Models;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Host.Replays;

/// <summary>
/// Streams the log customer by customer (never whole in memory), replays each customer with the
/// pure value functions on every core, and writes the results chunk by chunk with binary COPY.
/// Each chunk commits with its results, so a crashed replay resumes after the last customer written.
/// </summary>
public sealed class ReplayEngine(IDocumentStore store, CustomerDatabases databases, PortfolioModels models, TimeProvider clock, ILogger<ReplayEngine> logger)
{
    private const int CustomersPerChunk = 250;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(string replayId, Action<ReplayRun>? progress, CancellationToken ct)
    {
        var run = await LoadAsync(replayId, ct);
        if (run is null || run.State != ReplayStates.Running) return;
        try
        {
            run = await ReplayAsync(run, progress, ct);
            await SaveAsync(run with { State = ReplayStates.Completed, CompletedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow() }, progress, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Replay {Replay} failed", replayId);
            await SaveAsync(run with { State = ReplayStates.Failed, Error = e.Message, UpdatedAt = clock.GetUtcNow() }, progress, CancellationToken.None);
        }
    }

    private async Task<ReplayRun> ReplayAsync(ReplayRun run, Action<ReplayRun>? progress, CancellationToken ct)
    {
        var schema = ReplayStorage.SchemaOf(store);
        var model = run.ModelFittedAt is { } fitted ? (await models.KnownAtAsync(fitted, ct)).Model : PortfolioModel.Default;
        var readings = (await databases.AllAsync()).Select(d => d.CreateConnection()).ToList();
        await using var writing = store.Storage.Database.CreateConnection();
        await Task.WhenAll(readings.Select(r => r.OpenAsync(ct)).Append(writing.OpenAsync(ct)));
        try
        {
            var (last, eventsDone, customersDone) = await ReplayStorage.ProgressAsync(writing, schema, run.Id, ct);
            var (watch, eventsAtStart) = (Stopwatch.StartNew(), eventsDone);

            var chunk = new List<(string Customer, List<ITouchpoint> Touchpoints)>();
            var sources = readings.Select((reading, i) => CustomersAsync(reading, schema, run.HighWaters?[i] ?? run.HighWater, last, ct));
            await foreach (var customer in InIdOrder(sources.ToList(), ct))
            {
                chunk.Add(customer);
                if (chunk.Count < CustomersPerChunk) continue;
                (eventsDone, customersDone) = await WriteChunkAsync(writing, schema, run, model, chunk, eventsDone, customersDone, ct);
                run = run with { EventsDone = eventsDone, CustomersDone = customersDone, UpdatedAt = clock.GetUtcNow(),
                    EventsPerSecond = Math.Round((eventsDone - eventsAtStart) / Math.Max(0.001, watch.Elapsed.TotalSeconds)) };
                await SaveAsync(run, progress, ct);
            }
            (eventsDone, customersDone) = await WriteChunkAsync(writing, schema, run, model, chunk, eventsDone, customersDone, ct);
            return run with { EventsDone = eventsDone, CustomersDone = customersDone,
                EventsPerSecond = Math.Round((eventsDone - eventsAtStart) / Math.Max(0.001, watch.Elapsed.TotalSeconds)) };
        }
        finally
        {
            foreach (var reading in readings) await reading.DisposeAsync();
        }
    }

    private static async Task<(long Events, int Customers)> WriteChunkAsync(NpgsqlConnection connection, string schema, ReplayRun run,
        PortfolioModel model, List<(string Customer, List<ITouchpoint> Touchpoints)> chunk, long events, int customers, CancellationToken ct)
    {
        if (chunk.Count == 0) return (events, customers);
        var rows = new ReplayStorage.Row[chunk.Count];
        Parallel.For(0, chunk.Count, i =>
        {
            var (id, touchpoints) = chunk[i];
            var replayed = ValueReplay.Customer(id, touchpoints, run.AsOf, run.Formula, run.LiveFormula, model);
            rows[i] = new ReplayStorage.Row(id, replayed.Value.Current.Value, replayed.Value.Potential.Total, replayed.Value.Tier,
                replayed.Live.Current.Value, replayed.Live.Tier, touchpoints.Count,
                JsonSerializer.Serialize(replayed.Value, Json), JsonSerializer.Serialize(replayed.History, Json));
        });
        await ReplayStorage.WriteAsync(connection, schema, run.Id, rows, ct);
        var counted = chunk.Sum(c => c.Touchpoints.Count);
        chunk.Clear();
        return (events + counted, customers + rows.Length);
    }

    /// <summary>
    /// The customers of every database as one sequence in id order (each database reads its own in
    /// id order; a customer is in one database only), so that "resume after the last customer
    /// written" holds whatever the number of databases.
    /// </summary>
    private static async IAsyncEnumerable<(string Customer, List<ITouchpoint> Touchpoints)> InIdOrder(
        IReadOnlyList<IAsyncEnumerable<(string Customer, List<ITouchpoint> Touchpoints)>> sources,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (sources.Count == 1)
        {
            await foreach (var customer in sources[0].WithCancellation(ct)) yield return customer;
            yield break;
        }
        var heads = new List<IAsyncEnumerator<(string Customer, List<ITouchpoint> Touchpoints)>>();
        try
        {
            foreach (var source in sources)
            {
                var head = source.GetAsyncEnumerator(ct);
                if (await head.MoveNextAsync()) heads.Add(head);
                else await head.DisposeAsync();
            }
            while (heads.Count > 0)
            {
                var next = heads.MinBy(h => h.Current.Customer, StringComparer.Ordinal)!;
                yield return next.Current;
                if (await next.MoveNextAsync()) continue;
                heads.Remove(next);
                await next.DisposeAsync();
            }
        }
        finally
        {
            foreach (var head in heads) await head.DisposeAsync();
        }
    }

    /// <summary>Customer streams in id order, each with its touchpoints in recording order, read with one streaming query.</summary>
    private async IAsyncEnumerable<(string Customer, List<ITouchpoint> Touchpoints)> CustomersAsync(NpgsqlConnection connection, string schema,
        long highWater, string? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        await using var command = new NpgsqlCommand(
            $"select stream_id, type, data::text from {schema}.mt_events where seq_id <= @hw and stream_id > @after and stream_id not like 'system:%' " +
            "order by stream_id, version", connection);
        command.Parameters.AddWithValue("hw", highWater);
        command.Parameters.AddWithValue("after", after ?? "");
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        (string Customer, List<ITouchpoint> Touchpoints)? current = null;
        while (await reader.ReadAsync(ct))
        {
            var (stream, type) = (reader.GetString(0), reader.GetString(1));
            if (current?.Customer != stream)
            {
                if (current is { } done) yield return done;
                current = (stream, new List<ITouchpoint>());
            }
            if (TouchpointTypes.ByName.TryGetValue(type, out var dotnetType)
                && serializer.FromJson(dotnetType, new MemoryStream(Encoding.UTF8.GetBytes(reader.GetString(2)))) is ITouchpoint t)
                current.Value.Touchpoints.Add(t);
        }
        if (current is { } last) yield return last;
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
