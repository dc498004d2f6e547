using EventCrm.Host.Formulas;
using EventCrm.Relationship;

namespace EventCrm.Host.Replays;

/// <param name="ComputedBy">
/// The node computing a running replay now (its sessions' application_name), read from the session
/// holding the replay's lock; null when none does: a replay whose node was killed stays <c>running</c>,
/// its <c>eventsDone</c> frozen, until another node resumes it, and one whose <c>replay</c> command was
/// killed is <c>interrupted</c> (docs/audit-and-replays.md, Replays).
/// </param>
/// <param name="LastProgressAt">When the replay last recorded progress (or its state).</param>
public sealed record ReplayView(string Id, string Formula, FormulaView FormulaVersion, string LiveFormula, DateTimeOffset AsOf,
    [property: Words(typeof(ReplayStates))] string State,
    long EventsDone, long EventsTotal, int CustomersDone, int CustomersNotComputable, double EventsPerSecond, DateTimeOffset? Eta, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, string? Error,
    string? ComputedBy, DateTimeOffset LastProgressAt)
{
    public static ReplayView Of(ReplayRun r, DateTimeOffset now, string? computedBy)
    {
        var interrupted = r.InterruptedAt(now, computedBy);
        return new(r.Id, r.Formula.ToString(), FormulaView.Of(r.Formula), r.LiveFormula.ToString(),
            r.AsOf, interrupted ? ReplayStates.Interrupted : r.State, r.EventsDone, r.EventsTotal, r.CustomersDone, r.CustomersNotComputable, r.EventsPerSecond,
            r.State == ReplayStates.Running && r.EventsPerSecond > 0 && computedBy is not null ? now.AddSeconds((r.EventsTotal - r.EventsDone) / r.EventsPerSecond) : null,
            r.StartedAt, r.CompletedAt, interrupted ? r.InterruptedReason() : r.Error, computedBy, r.UpdatedAt);
    }

    /// <summary>The views of these replays, each running one with the node computing it.</summary>
    public static async Task<IReadOnlyList<ReplayView>> OfAsync(IReadOnlyList<ReplayRun> runs, Marten.IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var views = new List<ReplayView>(runs.Count);
        foreach (var run in runs)
            views.Add(Of(run, now, run.State == ReplayStates.Running ? await ReplayStorage.ComputedByAsync(session, run.Id, ct) : null));
        return views;
    }
}
