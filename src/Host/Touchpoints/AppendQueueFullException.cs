namespace EventCrm.Host.Touchpoints;

/// <summary>Touchpoints enough are already waiting to be written: the request is refused (503) rather than kept in memory.</summary>
public sealed class AppendQueueFullException(int waiting)
    : Exception($"{waiting:N0} touchpoints are already waiting to be written, the most this service keeps waiting (Touchpoints:MaxWaiting).")
{
    public int Waiting { get; } = waiting;
}
