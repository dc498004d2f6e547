using EventCrm.Relationship.Lifecycle;

namespace EventCrm.Relationship.Value;

public sealed partial record FoldedLedger
{
    /// <summary>
    /// The state the marks fold to, once known, so valuing after every touchpoint does not refold
    /// every mark each time (a replay was quadratic in a customer's touchpoints). A function of the
    /// marks alone: ledgers sharing their marks share it, and it never makes two ledgers differ.
    /// </summary>
    private sealed class FoldedMarks
    {
        // Each field is read and written whole (a reference, a long), so ledgers shared across
        // threads see either nothing yet or the right value.
        public string? State;
        /// <summary>UTC ticks of the latest mark's business time; 0 while not known.</summary>
        public long LatestTicks;

        /// <summary>
        /// A mark no earlier in business time than every mark before it sorts last (its recording
        /// order is the highest), so the state moves on by one step; a back-dated one leaves the
        /// state to be refolded from all the marks when asked.
        /// </summary>
        public void StepFrom(FoldedLedger before, string type, DateTimeOffset at)
        {
            var marks = before._marks;
            var latest = marks.Count == 0 ? 0 : before._folded.LatestTicks is var known and not 0 ? known : before._folded.LatestTicks = marks.Max(m => m.At).UtcTicks;
            LatestTicks = Math.Max(latest, at.UtcTicks);
            if (marks.Count > 0 && at.UtcTicks < latest) return;
            State = Lifecycle.Lifecycle.Next(marks.Count == 0 ? null : before.State(), type) ?? CustomerStates.Prospect;
        }

        public override bool Equals(object? other) => other is FoldedMarks;
        public override int GetHashCode() => 0;
    }
}
