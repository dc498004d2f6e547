using EventCrm.Host.Retention;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>
/// A client offered to stay, who then left (which closed the offer), came back and asked to cancel
/// again before that offer's end: the second request is the service's to decide, and the desk
/// must see that decision, not the closed offer.
/// </summary>
public class when_the_desk_reads_a_client_who_left_and_asked_again
{
    private static readonly Dictionary<string, decimal> NoInputs = [];

    [Fact]
    public void the_second_request_shows_its_own_decision()
    {
        var touchpoints = new ITouchpoint[]
        {
            new SignedUp("signup", Jan1, "Ada", "ada@example.com", "smb", null, 10m),
            new CancellationRequested("first", Jan1.AddDays(10), "price"),
            new RetentionOfferMade("offered", Jan1.AddDays(10).AddMinutes(1), "first", "offer:first", 100m, 100m, Jan1.AddDays(17), "gold", NoInputs),
            new CustomerChurned("left", Jan1.AddDays(11), "moved away"),
            new PurchaseMade("back", Jan1.AddDays(12), "o-1", 50m, 10m, "rollers"),
            new CancellationRequested("second", Jan1.AddDays(13), "price again"),
            new RetentionNotOffered("decided", Jan1.AddDays(13).AddMinutes(1), "second", "worth too little now", "minimum value", NoInputs),
        };

        var view = GetRetentionEndpoint.Of("ada", touchpoints);

        view.State.ShouldBe("cancellation-requested");
        view.Pending!.CancellationTouchpointId.ShouldBe("second");
        view.Pending.Decision.ShouldBe(GetRetentionEndpoint.NoOffer);
        view.Pending.Offer.ShouldBeNull();
    }
}
