using EventCrm.Relationship.Touchpoints;
using EventCrm.Host.Sharding;
using Marten.Storage;
using System.Security.Cryptography;
using System.Text;
using EventCrm.Host.Formulas;
using EventCrm.Host.Models;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Host.Replays;

public sealed record RunReplay(string ReplayId);

/// <summary>
/// Turns a replay request into a run. The run's id is derived from the formula, the date and the
/// end of the log at the time of asking, so the same request over the same log is the same run
/// (answered, not computed again), while new events make a new one.
/// </summary>
public sealed class ReplayRequests(IDocumentStore store, CustomerDatabases databases, PortfolioModels models, TimeProvider clock)
{
    public async Task<(ReplayRun Run, bool IsNew)> StartAsync(IDocumentSession session, FormulaChoice formula, DateTimeOffset? asOf, CancellationToken ct)
    {
        var (registry, _) = await FormulaRegistryStore.LoadAsync(session, ct);
        var ends = await Task.WhenAll((await databases.AllAsync()).Select(d => LogEndAsync(d, ct)));
        var (highWater, events) = (ends.Sum(e => e.HighWater), ends.Sum(e => e.Events));
        var id = IdFor(formula, asOf, highWater);
        var existing = await session.LoadAsync<ReplayRun>(id, ct);
        if (existing is not null && existing.State != ReplayStates.Failed) return (existing, false);

        var now = clock.GetUtcNow();
        var run = existing is not null
            ? existing with { State = ReplayStates.Running, Error = null, UpdatedAt = now }
            : new ReplayRun
            {
                Id = id, Formula = formula, LiveFormula = registry.InForceAt(null).Formula, AsOf = asOf ?? now, RequestedAsOf = asOf, HighWater = highWater,
                HighWaters = databases.Sharded ? ends.Select(e => e.HighWater).ToList() : null,
                EventsTotal = events, ModelFittedAt = (await models.KnownAtAsync(null, ct)).FittedAt, StartedAt = now, UpdatedAt = now,
            };
        session.Store(run);
        return (run, true);
    }

    private static string IdFor(FormulaChoice formula, DateTimeOffset? asOf, long highWater)
    {
        var key = $"{formula}|{asOf?.UtcDateTime.ToString("O") ?? "now"}|{highWater}";
        return "replay-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    private async Task<(long HighWater, long Events)> LogEndAsync(IMartenDatabase database, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select coalesce(max(seq_id), 0), count(*) filter (where stream_id not like 'system:%' and type = any(@touchpoints)) " +
            $"from {store.Options.DatabaseSchemaName}.mt_events", connection);
        // A replay counts touchpoints; other events of a stream (an erasure record) are not history to value.
        command.Parameters.AddWithValue("touchpoints", TouchpointTypes.ByName.Keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
