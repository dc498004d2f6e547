using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Portfolio;

namespace EventCrm.Relationship.Tests.Portfolio;

// A complete, error-free customer with no history and no money; each scenario sets only what it
// is about with `with { }`.
internal static class PortfolioCustomers
{
    public static PortfolioCustomer Customer(string id) => new(
        id, Name: $"Customer {id}", Email: $"{id}@example.com", Segment: "smb", Channel: "web",
        LeadAt: null, SignedUpAt: null, StateChanges: [],
        Revenue: 0m, Profit: 0m, CurrentValue: 0m, PotentialValue: 0m, DataErrors: []);

    public static DateTimeOffset Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    public static StateChange Active(DateTimeOffset at) => new(at, CustomerStates.Active);
    public static StateChange Prospect(DateTimeOffset at) => new(at, CustomerStates.Prospect);
    public static StateChange CancellationRequested(DateTimeOffset at) => new(at, CustomerStates.CancellationRequested);
    public static StateChange Churned(DateTimeOffset at) => new(at, CustomerStates.Churned);

    /// <summary>Lead, signup and the states that follow, as the lifecycle fold would give them.</summary>
    public static PortfolioCustomer SignedUp(string id, DateTimeOffset signedUpAt, params StateChange[] later) =>
        Customer(id) with { SignedUpAt = signedUpAt, StateChanges = [Active(signedUpAt), .. later] };
}
