namespace EventCrm.Tests.Support;

/// <summary>The system's clock moved by an offset the scenario sets: the Host lives ahead in time while scheduled work keeps the real clock.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
