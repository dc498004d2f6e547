using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Host.Rebuilds;

public sealed record RebuildView(string State, string Node, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long TargetHighWaterMark, string? Error,
    DateTimeOffset? HeartbeatAt);

/// <summary>
/// Where a projection stands. Position is the global sequence it has processed up to (during a
/// rebuild: how far the new build has gone); the high-water mark is the sequence below which every
/// event is committed, what a caught-up projection has reached. ServingPosition is the position of
/// the documents reads are served from: during a rebuild, the live build's, which keeps following.
/// </summary>
public sealed record ProjectionStatusView(
    string Name, string Lifecycle, uint Version, string State, long? Position, long HighWaterMark, long? EventsBehind, RebuildView? LastRebuild,
    long? ServingPosition);

public sealed class ProjectionStatusReader(IDocumentStore store, TimeProvider clock)
{
    public async Task<ProjectionStatusView> ReadAsync(ProjectionInfo projection, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var highWaterMark = progress.FirstOrDefault(s => s.ShardName == ShardState.HighWaterMark)?.Sequence
            ?? (await store.Advanced.FetchEventStoreStatistics(token: ct)).EventSequenceNumber;
        long? serving = projection.IsInline ? null : PositionOf(projection.Shards, progress);

        await using var session = store.QuerySession();
        var rebuild = await session.LoadAsync<ProjectionRebuild>(projection.Name, ct);
        if (rebuild is not null && RebuildHeartbeat.Abandoned(rebuild, clock.GetUtcNow()) is { } interrupted)
            rebuild = rebuild with { State = RebuildStates.Failed, Error = interrupted };
        var rebuilding = rebuild?.State == RebuildStates.Rebuilding;
        var position = rebuilding && !projection.IsInline ? PositionOf(projection.Shards.Select(SideBuilds.ShardFor), progress) : serving;
        var state = rebuild?.State switch
        {
            RebuildStates.Rebuilding or RebuildStates.Failed => rebuild.State,
            _ when projection.IsInline => "inline",
            _ => position >= highWaterMark ? "caught-up" : "catching-up",
        };
        return new ProjectionStatusView(projection.Name, projection.Lifecycle.ToString().ToLowerInvariant(), projection.Version, state,
            position, highWaterMark, position is { } p ? Math.Max(highWaterMark - p, 0) : null,
            rebuild is null ? null : new RebuildView(rebuild.State, rebuild.Node, rebuild.StartedAt, rebuild.FinishedAt, rebuild.TargetHighWaterMark, rebuild.Error, rebuild.HeartbeatAt),
            serving);
    }

    // A shard without a progress row has processed nothing yet.
    private static long PositionOf(IEnumerable<ShardName> shards, IReadOnlyList<ShardState> progress) =>
        shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s.Identity)?.Sequence ?? 0).DefaultIfEmpty(0).Min();
}
