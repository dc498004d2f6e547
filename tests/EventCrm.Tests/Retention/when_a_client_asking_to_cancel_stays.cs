using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>
/// Beta asks to cancel and is offered nothing (it costs more than it brings); the desk talks it out
/// of leaving and records cancellation-withdrawn: Beta is active again, off the work list, and its
/// value is what it was. With an offer open, the desk answers the offer instead.
/// </summary>
public class when_a_client_asking_to_cancel_stays(StayingHost retention) : IClassFixture<StayingHost>
{
    [Fact]
    public async Task a_client_offered_nothing_withdraws_its_request_and_is_active_again_off_the_work_list()
    {
        var beta = await RetentionClients.Beta(retention.Host);
        await RetentionClients.RequestCancellation(retention.Host, beta);
        var pending = await RetentionClients.Decision(retention.Host, beta);
        pending["decision"]!.GetValue<string>().ShouldBe("no-offer");
        (await WorkList()).ShouldContain(beta);
        var profitBefore = (await retention.Host.GetJson($"/api/customers/{beta}/value"))["historical"]!["profit"]!.GetValue<decimal>();
        var request = pending["cancellationTouchpointId"]!.GetValue<string>();

        await retention.Host.PostTouchpoints(Of("cancellation-withdrawn", beta, DateTimeOffset.UtcNow, new { cancellationTouchpointId = request, reason = "talked out of it" }));

        var timeline = await retention.Host.GetJson($"/api/customers/{beta}/timeline");
        timeline["state"]!.GetValue<string>().ShouldBe("active");
        var last = timeline["entries"]!.AsArray()[^1]!;
        (last["type"]!.GetValue<string>(), last["state"]!.GetValue<string>(), last["cancellationTouchpointId"]!.GetValue<string>())
            .ShouldBe(("cancellation-withdrawn", "active", request));
        (await retention.Host.GetJson($"/api/customers/{beta}/retention"))["pending"].ShouldBeNull();
        (await WorkList()).ShouldNotContain(beta);
        // Staying costs nothing: Beta's profit is 3 x 10 of margin - 2 x 300 of support = -570, before and after.
        profitBefore.ShouldBe(-570m);
        (await retention.Host.GetJson($"/api/customers/{beta}/value"))["historical"]!["profit"]!.GetValue<decimal>().ShouldBe(-570m);

        // Nothing is left to withdraw.
        var again = await retention.Host.PostTouchpoints(Of("cancellation-withdrawn", beta, DateTimeOffset.UtcNow, new { cancellationTouchpointId = request }), 409);
        again["errors"]!["customerId"]![0]!.GetValue<string>().ShouldBe($"customer '{beta}' has no pending request to cancel (state: active): there is nothing to withdraw");
    }

    [Fact]
    public async Task with_an_offer_open_the_withdrawal_is_refused_naming_the_offer_and_nothing_is_appended()
    {
        var alpha = await RetentionClients.Alpha(retention.Host);
        await RetentionClients.RequestCancellation(retention.Host, alpha);
        var pending = await RetentionClients.Decision(retention.Host, alpha);
        var offerId = pending["offer"]!["offerId"]!.GetValue<string>();
        var before = (await retention.Host.TimelineEntries(alpha)).Count;

        var refused = await retention.Host.PostTouchpoints(Of("cancellation-withdrawn", alpha, DateTimeOffset.UtcNow,
            new { cancellationTouchpointId = pending["cancellationTouchpointId"]!.GetValue<string>() }), 409);

        refused["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>()
            .ShouldStartWith($"customer '{alpha}' has retention offer '{offerId}' open until ");
        (await retention.Host.TimelineEntries(alpha)).Count.ShouldBe(before);
        (await retention.Host.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
    }

    [Fact]
    public async Task a_withdrawal_naming_another_request_is_404_and_one_without_it_is_400()
    {
        var beta = await RetentionClients.Beta(retention.Host);
        await RetentionClients.RequestCancellation(retention.Host, beta);

        var unknown = await retention.Host.PostTouchpoints(Of("cancellation-withdrawn", beta, DateTimeOffset.UtcNow, new { cancellationTouchpointId = "not-asked" }), 404);
        unknown["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>().ShouldStartWith($"'not-asked' is not the pending request to cancel of customer '{beta}'");
        var missing = await retention.Host.PostTouchpoints(Of("cancellation-withdrawn", beta, DateTimeOffset.UtcNow, new { reason = "stays" }), 400);
        missing.ErrorKeys().ShouldBe(["cancellationTouchpointId"]);
        (await retention.Host.GetJson($"/api/customers/{beta}"))["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
    }

    private async Task<List<string>> WorkList() =>
        (await retention.Host.GetJson("/api/retention/pending?pageSize=200"))["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ToList();
}

/// <summary>A schema of its own: the hosts over eventcrm_retention empty it as they start, under the scenarios of another class.</summary>
public sealed class StayingHost() : SchemaHost("eventcrm_staying");
