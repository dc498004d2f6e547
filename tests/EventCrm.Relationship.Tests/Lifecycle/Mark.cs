namespace EventCrm.Relationship.Tests.Lifecycle;

/// <summary>A state-changing touchpoint of the scenarios: its business day, its recording order, its type.</summary>
internal sealed record Mark(int Day, long Recorded, string Type)
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch.AddDays(Day);

    public static IReadOnlyList<(Mark Item, string State)> Replay(IEnumerable<Mark> marks) =>
        Relationship.Lifecycle.Lifecycle.Replay(marks, m => m.OccurredAt, m => m.Recorded, m => m.Type);
}
