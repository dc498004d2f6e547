using EventCrm.Relationship.Lifecycle;

namespace EventCrm.Relationship.Portfolio;

/// <summary>Where a portfolio customer stood at a given business time.</summary>
public static class CustomerStanding
{
    /// <summary>
    /// The state after the last change at or before <paramref name="at"/>, or null before the
    /// customer's first change. The latest change wins even if the list were out of order, and of
    /// two changes at the same instant the later one in the list wins, as in the lifecycle fold.
    /// </summary>
    public static string? StateAt(this PortfolioCustomer customer, DateTimeOffset at)
    {
        StateChange? current = null;
        foreach (var change in customer.StateChanges)
            if (change.At <= at && (current is null || change.At >= current.At))
                current = change;
        return current?.State;
    }

    /// <summary>
    /// Counted as a customer: active, retained or asking to cancel. A cancellation request is not a
    /// departure yet (the retention desk may still keep the customer); prospects never bought and
    /// churned customers have left.
    /// </summary>
    public static bool IsCustomerAt(this PortfolioCustomer customer, DateTimeOffset at) =>
        customer.StateAt(at) is CustomerStates.Active or CustomerStates.Retained or CustomerStates.CancellationRequested;
}
