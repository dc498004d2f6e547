namespace EventCrm.Tests.Support;

/// <summary>A clock that stands still until the scenario moves it: what depends on time is decided by the test, not by how fast it runs.</summary>
public sealed class StillClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = now;

    public void Advance(TimeSpan by) => Now += by;

    public override DateTimeOffset GetUtcNow() => Now;
}
