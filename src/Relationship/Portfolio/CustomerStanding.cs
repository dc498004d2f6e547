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
    public static bool IsCustomerAt(this PortfolioCustomer customer, DateTimeOffset at) => IsCustomerState(customer.StateAt(at));

    /// <summary>
    /// Counted as a customer just before <paramref name="at"/>, its changes at that instant not yet
    /// made: who a period <c>[at, ...)</c> starts with, and who a period <c>[..., at)</c> ends with.
    /// </summary>
    public static bool IsCustomerJustBefore(this PortfolioCustomer customer, DateTimeOffset at) => IsCustomerState(customer.StateAt(at.AddTicks(-1)));

    /// <summary>
    /// Whether the customer became one during <c>[from, to)</c>: a signup, a first purchase, or a
    /// win-back (a purchase after a churn), each a change into a customer's state from a state that
    /// was not one. Counted once however many times it happened.
    /// </summary>
    public static bool BecameCustomerDuring(this PortfolioCustomer customer, DateTimeOffset from, DateTimeOffset to)
    {
        string? before = null;
        foreach (var change in customer.StateChanges.OrderBy(c => c.At))
        {
            if (change.At >= to) break;
            if (change.At >= from && IsCustomerState(change.State) && !IsCustomerState(before)) return true;
            before = change.State;
        }
        return false;
    }

    /// <summary>Whether the record was ever a customer (signed up or bought): a lead who never converted is a prospect, not a customer.</summary>
    public static bool HasEverBeenCustomer(this PortfolioCustomer customer) => customer.StateChanges.Any(c => IsCustomerState(c.State));

    internal static bool IsCustomerState(string? state) =>
        state is CustomerStates.Active or CustomerStates.Retained or CustomerStates.CancellationRequested;
}
