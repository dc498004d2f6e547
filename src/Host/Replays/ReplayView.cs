using EventCrm.Host.Formulas;
using EventCrm.Relationship;

namespace EventCrm.Host.Replays;

public sealed record ReplayView(string Id, string Formula, FormulaView FormulaVersion, string LiveFormula, DateTimeOffset AsOf, [property: Words(typeof(ReplayStates))] string State,
    long EventsDone, long EventsTotal, int CustomersDone, int CustomersNotComputable, double EventsPerSecond, DateTimeOffset? Eta, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, string? Error)
{
    public static ReplayView Of(ReplayRun r, DateTimeOffset now) => new(r.Id, r.Formula.ToString(), FormulaView.Of(r.Formula), r.LiveFormula.ToString(),
        r.AsOf, r.State, r.EventsDone, r.EventsTotal, r.CustomersDone, r.CustomersNotComputable, r.EventsPerSecond,
        r.State == ReplayStates.Running && r.EventsPerSecond > 0 ? now.AddSeconds((r.EventsTotal - r.EventsDone) / r.EventsPerSecond) : null,
        r.StartedAt, r.CompletedAt, r.Error);
}
