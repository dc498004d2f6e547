namespace EventCrm.Host.Touchpoints;

/// <summary>
/// A customer's stream stayed locked by another transaction for longer than
/// <see cref="StreamLocks.SharedWait"/> (an operator's <c>select ... for update</c>, a tool's long
/// transaction): nothing was written; the work is to be tried again later.
/// </summary>
public sealed class CustomerBusyException(IReadOnlyList<string> customerIds, Exception inner) : Exception(
    $"The stream of {string.Join(", ", customerIds)} stayed locked by another transaction for {StreamLocks.SharedWait.TotalSeconds:0} s", inner)
{
    /// <summary>The customers whose streams were asked for, one of them at least held elsewhere.</summary>
    public IReadOnlyList<string> CustomerIds { get; } = customerIds;
}
