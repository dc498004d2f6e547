using EventCrm.Tests.Retention;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>
/// Touchpoint ids are one space for every customer, and the service records touchpoints of its own
/// (retention decisions, expiries) under ids derived from the cancellation's: a caller may not take
/// them, nor write to the event store's own stream.
/// </summary>
public class when_a_caller_uses_the_services_own_ids(ServiceIdsHost retention) : IClassFixture<ServiceIdsHost>
{
    [Fact]
    public async Task the_id_of_a_decision_to_come_is_refused_and_the_cancellation_is_assessed()
    {
        var host = retention.Host;
        var bystander = Ids.Customer();
        await host.PostTouchpoints(SignUp(bystander, Jan1));
        var alpha = await RetentionClients.Alpha(host);
        var cancellation = CancellationRequest(alpha, DateTimeOffset.UtcNow.AddMinutes(-1));
        var cancellationId = (string)cancellation["touchpointId"]!;

        var problem = await host.PostTouchpoints(Of("visit", bystander, Jan1.AddDays(1), new { cost = 5m }, $"system:assessment:{cancellationId}"), 400);
        await host.PostTouchpoints(cancellation);

        problem.ErrorKeys().ShouldBe(["touchpointId"]);
        problem["errors"]!["touchpointId"]![0]!.GetValue<string>().ShouldContain("reserved for the service's own touchpoints");
        (await retention.Store.EventCount(bystander)).ShouldBe(1);
        (await RetentionClients.Decision(host, alpha))["decision"]!.GetValue<string>().ShouldBe("offer-made");
    }

    [Fact]
    public async Task the_event_stores_own_stream_is_refused_as_a_customer_before_anything_is_tried()
    {
        var host = retention.Host;
        var newcomer = Ids.Customer();

        var problem = await host.PostTouchpoints(new[] { Lead("mt_tombstone", Jan1), Lead(newcomer, Jan1) }, 400);
        problem.ErrorKeys().ShouldBe(["[0].customerId"]);

        await host.PostTouchpoints(Lead(newcomer, Jan1));
        (await retention.Store.EventCount(newcomer)).ShouldBe(1);
    }
}
