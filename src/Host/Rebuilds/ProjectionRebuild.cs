namespace EventCrm.Host.Rebuilds;

public static class RebuildStates
{
    public const string Rebuilding = "rebuilding";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>
/// The last rebuild of a projection, kept as a document so that every node answers the status
/// route the same, whichever node runs the rebuild.
/// </summary>
public sealed record ProjectionRebuild
{
    /// <summary>The projection's name.</summary>
    public required string Id { get; init; }
    public required string State { get; init; }
    public required string Node { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The store's high-water mark when the rebuild began: the rebuild replays up to it, then the projection follows new events as usual.</summary>
    public long TargetHighWaterMark { get; init; }
    public string? Error { get; init; }
    /// <summary>An inline projection's rebuild (in place, customer by customer): how many customers it rebuilds, and how many it has.</summary>
    public long? Customers { get; init; }
    public long? CustomersRebuilt { get; init; }
    /// <summary>The customers the in-place rebuild waits for now, their streams locked by another transaction; empty or null when it waits for none.</summary>
    public string[]? WaitingOn { get; init; }
    /// <summary>
    /// With customers over several databases: those whose new build has taken over (swapped in, serving), in database order,
    /// while the others still wait for theirs. Their status keeps the new build's position, now the live one's.
    /// </summary>
    public string[]? TakenOverIn { get; init; }
    /// <summary>The last sign of life of the node running the rebuild (<see cref="RebuildHeartbeat"/>).</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }
}
