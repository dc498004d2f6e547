using EventCrm.Relationship.Value;

namespace EventCrm.Host.Replays;

public static class ReplayStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    /// <summary>
    /// Never stored: said of a <c>replay</c> command's run whose process is gone (no session holds the
    /// replay's lock and it has not moved for <see cref="ReplayRun.Alive"/>). Nothing resumes it by
    /// itself, unlike a service's run (its message is redelivered): <c>replay --resume ID</c> finishes it.
    /// </summary>
    public const string Interrupted = "interrupted";
}

/// <summary>
/// A replay of the whole log under one formula, as of one date, up to the log's end when it was
/// asked for. Its results live in their own table beside the live values and never touch them.
/// </summary>
public sealed record ReplayRun
{
    public required string Id { get; init; }
    public required FormulaChoice Formula { get; init; }
    public required FormulaChoice LiveFormula { get; init; }
    public required DateTimeOffset AsOf { get; init; }
    /// <summary>The date asked for; null when the run is as of the moment it was asked for (<see cref="AsOf"/> then holds that moment).</summary>
    public DateTimeOffset? RequestedAsOf { get; init; }
    /// <summary>The end of the log the run covers: the last sequence number, summed over the databases when customers are spread over several.</summary>
    public required long HighWater { get; init; }
    /// <summary>The last sequence number the run covers in each database (in <c>Tenancy:Databases</c> order); null with one database.</summary>
    public IReadOnlyList<long>? HighWaters { get; init; }
    public required long EventsTotal { get; init; }
    public DateTimeOffset? ModelFittedAt { get; init; }
    public string State { get; init; } = ReplayStates.Running;
    /// <summary>Computed by the service's queue (asked over HTTP), which <c>Replays:MaxUnfinished</c> bounds; false for the replay command's own runs.</summary>
    public bool Queued { get; init; }
    public long EventsDone { get; init; }
    public int CustomersDone { get; init; }
    /// <summary>Customers the formula cannot value (their read answers 422 with the reason; they count as 0 in the diff).</summary>
    public int CustomersNotComputable { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? Error { get; init; }
    /// <summary>Events per second of the current run (a resumed run measures itself from its resumption).</summary>
    public double EventsPerSecond { get; init; }

    /// <summary>A running replay writes its progress after every chunk of customers: one that moved within this long is alive.</summary>
    public static readonly TimeSpan Alive = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A command's run that no engine computes (<paramref name="computedBy"/> null) and that stopped moving: its
    /// process was killed. A service's run in that case is only waiting (its turn, or its message's recovery).
    /// </summary>
    public bool InterruptedAt(DateTimeOffset now, string? computedBy) =>
        State == ReplayStates.Running && !Queued && computedBy is null && now - UpdatedAt >= Alive;

    /// <summary>What an interrupted run's <c>error</c> says: what became of it, and what to do.</summary>
    public string InterruptedReason() =>
        $"The replay command computing it stopped after {CustomersDone:N0} customers ({EventsDone:N0} of {EventsTotal:N0} events) and nothing resumes it by itself: " +
        $"`replay --resume {Id}` finishes it after the last customer written; DELETE /api/replays/{Id} drops it.";
}
