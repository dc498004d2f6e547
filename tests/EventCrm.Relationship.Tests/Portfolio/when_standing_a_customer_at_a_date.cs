using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_standing_a_customer_at_a_date
{
    private static readonly PortfolioCustomer Client = Customer("c") with
    {
        StateChanges = [Prospect(Day(2025, 1, 1)), Active(Day(2025, 2, 1)), CancellationRequested(Day(2025, 3, 1)), Churned(Day(2025, 4, 1))],
    };

    [Fact]
    public void before_its_first_change_it_has_no_state_and_is_not_a_customer()
    {
        Client.StateAt(Day(2024, 12, 31)).ShouldBeNull();
        Client.IsCustomerAt(Day(2024, 12, 31)).ShouldBeFalse();
    }

    [Fact]
    public void a_change_counts_from_its_own_instant()
    {
        Client.StateAt(Day(2025, 2, 1)).ShouldBe(CustomerStates.Active);
        Client.StateAt(Day(2025, 2, 1).AddTicks(-1)).ShouldBe(CustomerStates.Prospect);
    }

    [Fact]
    public void active_and_asking_to_cancel_are_customers_prospects_and_churned_are_not()
    {
        Client.IsCustomerAt(Day(2025, 1, 15)).ShouldBeFalse();
        Client.IsCustomerAt(Day(2025, 2, 15)).ShouldBeTrue();
        Client.IsCustomerAt(Day(2025, 3, 15)).ShouldBeTrue();
        Client.IsCustomerAt(Day(2025, 4, 15)).ShouldBeFalse();
    }
}
