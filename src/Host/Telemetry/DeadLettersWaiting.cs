using System.Diagnostics.Metrics;
using EventCrm.Host.Sharding;
using Marten;
using Npgsql;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// The messages waiting in Wolverine's dead letters (<c>wolverine_dead_letters</c>, not marked
/// replayable) of every database, for the gauge <c>eventcrm.dead_letters.waiting</c>. Wolverine's own
/// <c>wolverine-dead-letter-queue</c> counts the messages this node moved there since it started: after a
/// restart, or on another node, it says nothing while the rows still wait and their requests stay
/// <c>assessing</c>. The rows are what an alert needs, so they are counted, every 30 s in the background
/// (a scrape costs no query, and a database out of reach keeps its last figure rather than holding up the
/// export); at start, one warning per database where some wait (docs/operations.md, "Dead letters").
/// </summary>
public sealed class DeadLettersWaiting(IDocumentStore store, CustomerDatabases databases, ILogger<DeadLettersWaiting> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, Measurement<long>> _last = new();
    private Measurement<long>[] _published = [];

    public sealed record Waiting(string Database, long Count, DateTimeOffset? OldestSentAt);

    public IEnumerable<Measurement<long>> Observe() => _published;

    /// <summary>Counts the dead letters not yet replayed in each database it can reach, and keeps the figures.</summary>
    public async Task<IReadOnlyList<Waiting>> CountAsync(CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        var counted = new List<Waiting>();
        foreach (var tenant in databases.TenantIds)
        {
            var name = databases.Sharded ? tenant : "Main";
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(QueryTimeout);
                var database = await databases.DatabaseIn(tenant);
                await using var connection = database.CreateConnection();
                await connection.OpenAsync(timeout.Token);
                // to_regclass: the table is Wolverine's, made at its first start; none yet is none waiting.
                await using var command = new NpgsqlCommand(
                    $"select case when to_regclass('{schema}.wolverine_dead_letters') is null then 0 else " +
                    $"(select count(*) from {schema}.wolverine_dead_letters where not replayable) end, " +
                    $"case when to_regclass('{schema}.wolverine_dead_letters') is null then null else " +
                    $"(select min(sent_at) from {schema}.wolverine_dead_letters where not replayable) end", connection);
                await using var reader = await command.ExecuteReaderAsync(timeout.Token);
                await reader.ReadAsync(timeout.Token);
                var waiting = new Waiting(name, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
                counted.Add(waiting);
                lock (_last) _last[name] = new Measurement<long>(waiting.Count, new KeyValuePair<string, object?>(EventCrmMetrics.Database, name));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // A database out of reach keeps its last figure; the outage is told elsewhere.
                logger.LogDebug(e, "Could not count the dead letters waiting in {Database}", name);
            }
        }
        lock (_last) _published = _last.Values.ToArray();
        return counted;
    }

    /// <summary>Counts, and warns of every database where some wait: once at start.</summary>
    public async Task<IReadOnlyList<Waiting>> CountAndWarnAsync(CancellationToken ct)
    {
        var counted = await CountAsync(ct);
        foreach (var waiting in counted.Where(w => w.Count > 0))
            logger.LogWarning("{Count} dead letter(s) wait in database {Database} since {OldestSentAt:O}: they do not run again by themselves, " +
                              "see docs/operations.md, \"Dead letters\"", waiting.Count, waiting.Database, waiting.OldestSentAt);
        return counted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            await CountAndWarnAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken)) await CountAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
