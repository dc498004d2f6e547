using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>A schema of its own: the outcomes count every request the base holds, under the default formula.</summary>
public sealed class LiveOutcomesHost() : SchemaHost("eventcrm_retention_outcomes_live");

/// <summary>
/// The whole workflow: the service assesses the requests and records its decisions, the desk answers over HTTP, and the
/// manager reads the outcomes from the read model the daemon keeps of what they recorded.
/// </summary>
public class when_the_desk_answers_and_the_manager_reads_the_outcomes(LiveOutcomesHost app) : IClassFixture<LiveOutcomesHost>
{
    [Fact]
    public async Task an_offer_accepted_one_declined_and_a_client_let_go_who_stayed_are_counted_with_the_values_the_service_recorded()
    {
        var host = app.Host;
        var (kept, lost) = (await RetentionClients.AlphaWithAnOffer(host), await RetentionClients.AlphaWithAnOffer(host));
        await host.PostTouchpoints(Of("retention-offer-accepted", kept.Customer, DateTimeOffset.UtcNow, new { offerId = kept.OfferId }));
        await host.PostTouchpoints(Of("retention-offer-declined", lost.Customer, DateTimeOffset.UtcNow, new { offerId = lost.OfferId }));
        var beta = await RetentionClients.Beta(host);
        await RetentionClients.RequestCancellation(host, beta);
        var request = (await RetentionClients.Decision(host, beta))["cancellationTouchpointId"]!.GetValue<string>();
        await host.PostTouchpoints(Of("cancellation-withdrawn", beta, DateTimeOffset.UtcNow, new { cancellationTouchpointId = request, reason = "stays" }));
        await app.Store.CatchUp();

        var today = DateTime.UtcNow.Date;
        var o = (await host.GetJson($"/api/retention/outcomes?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}"))["outcomes"]!;

        o["requests"]!.GetValue<int>().ShouldBe(3);
        var offers = o["offers"]!;
        (offers["made"]!.GetValue<int>(), offers["accepted"]!.GetValue<int>(), offers["declined"]!.GetValue<int>(), offers["open"]!.GetValue<int>()).ShouldBe((2, 1, 1, 0));
        offers["saveRate"]!.GetValue<decimal>().ShouldBe(0.5m);   // 1 accepted of 2 ended
        // Alpha under retention-ltv@0 (when_a_client_asks_to_cancel): current value 8,000 x 0.75 / (1.08 - 0.75) = 18,181.82,
        // gold, offer 18,181.82 x 0.2 x 0.6 = 2,181.82 (+-0.05: valued moments after the second anniversary).
        offers["moneySpent"]!.GetValue<decimal>().ShouldBe(2_181.82m, 0.05m);
        offers["valueKept"]!.GetValue<decimal>().ShouldBe(18_181.82m, 0.1m);
        o["byTier"]!.AsArray().Select(t => t!["tier"]!.GetValue<string>()).ShouldBe(["gold"]);
        // Beta costs more than it brings: no offer (negative-value); it stayed.
        var notOffered = o["notOffered"]!;
        notOffered["byRule"]!.ToJsonString().ShouldBe("""{"negative-value":1}""");
        (notOffered["stayed"]!.GetValue<int>(), notOffered["open"]!.GetValue<int>()).ShouldBe((1, 0));
    }
}
