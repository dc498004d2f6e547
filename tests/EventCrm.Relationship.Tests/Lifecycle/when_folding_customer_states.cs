using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;

namespace EventCrm.Relationship.Tests.Lifecycle;

public class when_folding_customer_states
{
    private static string[] StatesOf(params Mark[] marks) => Mark.Replay(marks).Select(r => r.State).ToArray();

    [Fact]
    public void a_lead_is_a_prospect_until_signup_makes_it_active()
    {
        StatesOf(new(1, 1, TouchpointTypes.LeadCaptured), new(2, 2, TouchpointTypes.SignedUp), new(3, 3, TouchpointTypes.SupportCall))
            .ShouldBe([CustomerStates.Prospect, CustomerStates.Active, CustomerStates.Active]);
    }

    [Fact]
    public void a_cancellation_request_then_churn_end_the_relationship_and_a_later_purchase_wins_it_back()
    {
        StatesOf(new(1, 1, TouchpointTypes.SignedUp), new(2, 2, TouchpointTypes.CancellationRequested),
                new(3, 3, TouchpointTypes.Purchase), new(4, 4, TouchpointTypes.Churned), new(5, 5, TouchpointTypes.Purchase))
            .ShouldBe([CustomerStates.Active, CustomerStates.CancellationRequested, CustomerStates.CancellationRequested,
                CustomerStates.Churned, CustomerStates.Active]);
    }

    [Fact]
    public void states_follow_business_time_not_recording_order()
    {
        // Recorded: signup, purchase on day 30, then a churn back-dated to day 20.
        StatesOf(new(1, 1, TouchpointTypes.SignedUp), new(30, 2, TouchpointTypes.Purchase), new(20, 3, TouchpointTypes.Churned))
            .ShouldBe([CustomerStates.Active, CustomerStates.Churned, CustomerStates.Active]);
    }

    [Fact]
    public void a_lead_after_signup_does_not_demote_the_customer()
    {
        StatesOf(new(1, 1, TouchpointTypes.SignedUp), new(2, 2, TouchpointTypes.LeadCaptured))
            .ShouldBe([CustomerStates.Active, CustomerStates.Active]);
    }
}
