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

/// <summary>Waits in the node's durable queue under this name (wolverine_incoming_envelopes.message_type): pinned, see RetentionMessages.cs.</summary>
[Wolverine.Attributes.MessageIdentity("EventCrm.Host.Replays.RunReplay")]
public sealed record RunReplay(string ReplayId);

/// <summary>
/// Turns a replay request into a run. The run's id is derived from the formula, the date and the
/// end of the log at the time of asking, so the same request over the same log is the same run
/// (answered, not computed again), while new events make a new one.
/// </summary>
public sealed class ReplayRequests(IDocumentStore store, CustomerDatabases databases, PortfolioModels models, LogEnd logEnd, TimeProvider clock,
    IConfiguration configuration)
{
    private readonly int _maxUnfinished = ReplayConfiguration.MaxUnfinishedOf(configuration);

    /// <param name="queued">Whether the run waits in the service's queue (a request over HTTP), which
    /// <c>Replays:MaxUnfinished</c> bounds; the replay command computes its run itself.</param>
    public async Task<(ReplayRun Run, bool IsNew)> StartAsync(IDocumentSession session, FormulaChoice formula, DateTimeOffset? asOf, CancellationToken ct,
        bool queued = true)
    {
        var (registry, _) = await FormulaRegistryStore.LoadAsync(session, ct);
        var logs = await databases.AllAsync();
        var highWaters = await Task.WhenAll(logs.Select(d => HighWaterAsync(d, ct)));
        var id = IdFor(formula, asOf, highWaters.Sum());
        var existing = await session.LoadAsync<ReplayRun>(id, ct);
        // Asked again, a failed run runs again, and so does one whose command was killed: the service takes it over.
        if (existing is not null && existing.State != ReplayStates.Failed
            && !(existing.State == ReplayStates.Running && !existing.Queued
                 && existing.InterruptedAt(clock.GetUtcNow(), await ReplayStorage.ComputedByAsync(session, id, ct))))
            return (existing, false);
        // A soft bound: two requests arriving together may both start. A command's run is not
        // counted: the command computes it, and one stopped half-way would hold a place for good.
        if (queued && await session.Query<ReplayRun>().CountAsync(r => r.State == ReplayStates.Running && r.Queued, ct) is var unfinished
            && unfinished >= _maxUnfinished)
            throw new ReplayQueueFullException(unfinished);

        var now = clock.GetUtcNow();
        var run = existing is not null
            ? existing with { State = ReplayStates.Running, Error = null, UpdatedAt = now, Queued = queued }
            : new ReplayRun
            {
                Id = id, Queued = queued, Formula = formula, LiveFormula = registry.InForceAt(null).Formula, AsOf = asOf ?? now, RequestedAsOf = asOf, HighWater = highWaters.Sum(),
                HighWaters = databases.Sharded ? highWaters : null,
                // Counted only for a new run: asking again for a known one reads no more than the log's end.
                EventsTotal = (await Task.WhenAll(logs.Select((d, i) => TouchpointsUpToAsync(d, highWaters[i], ct)))).Sum(),
                ModelFittedAt = (await models.KnownAtAsync(null, ct)).FittedAt, StartedAt = now, UpdatedAt = now,
            };
        session.Store(run);
        return (run, true);
    }

    private static string IdFor(FormulaChoice formula, DateTimeOffset? asOf, long highWater)
    {
        var key = $"{formula}|{asOf?.UtcDateTime.ToString("O") ?? "now"}|{highWater}";
        return "replay-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    private Task<long> HighWaterAsync(IMartenDatabase database, CancellationToken ct) => logEnd.ReadAsync(database, store.Options.DatabaseSchemaName, ct);

    /// <summary>A replay counts touchpoints; other events of a stream (an erasure record) are not history to value, nor are archived ones (ReplayLog).</summary>
    private Task<long> TouchpointsUpToAsync(IMartenDatabase database, long highWater, CancellationToken ct) =>
        ScalarAsync(database, $"select count(*) from {store.Options.DatabaseSchemaName}.mt_events " +
                              "where seq_id <= @hw and stream_id not like 'system:%' and type = any(@touchpoints) and not is_archived",
            command =>
            {
                command.Parameters.AddWithValue("hw", highWater);
                command.Parameters.AddWithValue("touchpoints", TouchpointTypes.ByName.Keys.ToArray());
            }, ct);

    private static async Task<long> ScalarAsync(IMartenDatabase database, string sql, Action<NpgsqlCommand>? parameters, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        parameters?.Invoke(command);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
