using EventCrm.Tests.EventLog;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>A schema of its own: the scenario drives the retention workflow (RetentionHost).</summary>
public sealed class RetentionCapHost() : SchemaHost("eventcrm_retention_cap");

/// <summary>
/// demo-000037 accepted a silver offer of 82.76, then asked to cancel three more times within 30 s and accepted each new
/// offer, every one 82.76: 331.04 spent where the cap, 20 % of the expected remaining margin 1,379.40, is 275.88. The cap
/// holds for the offers accepted within Retention:CapWindow (365 days) together: each new offer is at most what is left of
/// it, and once nothing is, no offer is made (cap-spent), the desk told what was spent.
/// </summary>
public class when_a_retained_client_asks_to_cancel_again(RetentionCapHost desk) : IClassFixture<RetentionCapHost>
{
    [Fact]
    public async Task the_offers_accepted_take_the_cap_together_and_once_it_is_spent_no_offer_is_made()
    {
        // Alpha with a margin of 200 a purchase: 2,000 of margin a year, no cost. retention-ltv@0 with the default model
        // (r 0.75, i 0.08): 2,000 x 0.75 / (1.08 - 0.75) = 4,545.45 of current value and of expected remaining margin: silver
        // (from 1,000, share 0.3). Cap = 4,545.45 x 0.2 = 909.09; the tier's offer = 909.09 x 0.3 = 272.73.
        // (+-0.05: valued moments after the second anniversary, the margin a year is a hair under 2,000.)
        var client = await RetentionClients.Alpha(desk.Host, margin: 200m);
        var offered = new List<decimal>();
        var whys = new List<string>();
        for (var ask = 0; ask < 4; ask++)
        {
            // Each request dated after the acceptance before it: the client, retained, asks again.
            await desk.Host.PostTouchpoints(CancellationRequest(client, DateTimeOffset.UtcNow));
            var decision = await RetentionClients.Decision(desk.Host, client);
            decision["decision"]!.GetValue<string>().ShouldBe("offer-made", decision.ToJsonString());
            offered.Add(decision["offer"]!["amount"]!.GetValue<decimal>());
            whys.Add(decision["why"]!.GetValue<string>());
            await desk.Host.PostTouchpoints(Of("retention-offer-accepted", client, DateTimeOffset.UtcNow,
                new { offerId = decision["offer"]!["offerId"]!.GetValue<string>() }));
        }

        // 272.73 three times (909.09 left, then 636.36, then 363.63), then the 90.90 left: 3 x 272.73 + 90.90 = 909.09, the cap.
        offered.Take(3).ShouldAllBe(amount => Math.Abs(amount - 272.73m) <= 0.05m);
        offered[3].ShouldBe(90.90m, 0.10m);
        offered.Sum().ShouldBe(909.09m, 0.10m);
        whys[0].ShouldEndWith("of the expected remaining margin (formula retention-ltv@0).", Case.Sensitive, "nothing spent before: the sentence of before");
        whys[1].ShouldContain($"(formula retention-ltv@0); already spent {offered[0]:N2} on this client within the window (365 days), leaving ");
        whys[3].ShouldContain($"(formula retention-ltv@0); already spent {offered.Take(3).Sum():N2} on this client within the window (365 days), " +
            $"leaving {offered[3]:N2} of the cap");
        whys[3].ShouldEndWith(" of the cap: the offer is all that is left.");

        // The fifth request: 909.09 spent, nothing left.
        await desk.Host.PostTouchpoints(CancellationRequest(client, DateTimeOffset.UtcNow));
        var fifth = await RetentionClients.Decision(desk.Host, client);

        fifth["decision"]!.GetValue<string>().ShouldBe("no-offer");
        fifth["rule"]!.GetValue<string>().ShouldBe("cap-spent (formula retention-ltv@0)");
        fifth["inputs"]!["spentWithinCapWindow"]!.GetValue<decimal>().ShouldBe(offered.Sum());
        fifth["inputs"]!["capLeft"]!.GetValue<decimal>().ShouldBe(0m);
        fifth["inputs"]!["capWindowDays"]!.GetValue<decimal>().ShouldBe(365m);
        fifth["why"]!.GetValue<string>().ShouldStartWith($"Already spent {offered.Sum():N2} on this client within the window (365 days): nothing is left of the cap of ");
        (await StoredEvent.LatestIn(desk.Store, client, "retention-not-offered")).Data["rule"]!.GetValue<string>().ShouldBe("cap-spent (formula retention-ltv@0)");
        // What retention cost the client, in its historical profit: the cap, not four times the tier's offer (1,090.92).
        var value = await desk.Host.GetJson($"/api/customers/{client}/value");
        value["historical"]!["costs"]!["retention"]!.GetValue<decimal>().ShouldBe(offered.Sum());
    }
}
