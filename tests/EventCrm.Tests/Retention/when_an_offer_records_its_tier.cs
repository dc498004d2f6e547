using System.Text.Json.Nodes;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.EventLog;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>A schema of its own: the work list holds every client asking to cancel in the base.</summary>
public sealed class OfferTierHost() : SchemaHost("eventcrm_retention_tiers");

/// <summary>
/// The desk's "Why:" named the retention tier by reading it back out of the rule's English words: a rule worded anew
/// would have lost it. An offer records its tier as figures (since 2026-12-07) and the routes answer them beside the
/// rule; offers recorded before answer them from their rule's words and inputs, as stored.
/// </summary>
public class when_an_offer_records_its_tier(OfferTierHost desk) : IClassFixture<OfferTierHost>
{
    [Fact]
    public async Task an_offer_made_now_records_its_tier_as_figures_and_the_routes_answer_them()
    {
        // Alpha with a margin of 200 a purchase: 10 purchases a year, 2,000 of margin a year, no cost.
        // retention-ltv@0 with the default model (r 0.75, i 0.08): 2,000 x 0.75 / (1.08 - 0.75) = 4,545.45 of current value:
        // the silver tier of the default policy (from 1,000, below gold's 5,000), share 0.3, cap 0.2;
        // offer = 4,545.45 x 20% x 30% = 272.73.
        var client = await RetentionClients.Alpha(desk.Host, margin: 200m);
        await RetentionClients.RequestCancellation(desk.Host, client);

        var decision = await RetentionClients.Decision(desk.Host, client);

        decision["offer"]!["amount"]!.GetValue<decimal>().ShouldBe(272.73m, 0.05m);
        TierOf(decision["offer"]!).ShouldBe(("silver", 1_000m, 0.3m, 0.2m));
        decision["why"]!.GetValue<string>().ShouldEndWith(" to keep the client: the client is in the silver retention tier (current value from 1,000), " +
            "whose rule is to offer 30 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0).");
        var listed = (await desk.Host.GetJson("/api/retention/pending?pageSize=200"))["items"]!.AsArray().Single(i => i!["customerId"]!.GetValue<string>() == client)!;
        TierOf(listed["offer"]!).ShouldBe(("silver", 1_000m, 0.3m, 0.2m));

        // As stored, for the data teams too (docs/events.md), and on the timeline's entry.
        var stored = await StoredEvent.LatestIn(desk.Store, client, "retention-offer-made");
        TierOf(stored.Data).ShouldBe(("silver", 1_000m, 0.3m, 0.2m));
        TierOf(await OfferEntry(client)).ShouldBe(("silver", 1_000m, 0.3m, 0.2m));
    }

    [Fact]
    public async Task a_decision_made_now_records_the_formula_it_valued_the_client_under()
    {
        // No formula registered in this schema: the built-in retention-ltv, version 0, is in force.
        var offered = await RetentionClients.Alpha(desk.Host, margin: 200m);
        // 20 of margin a purchase, 10 a year: 200 x 0.75 / (1.08 - 0.75) = 454.55 of current value, under the 1,000 minimum.
        var letGo = await RetentionClients.Alpha(desk.Host, margin: 20m);
        await RetentionClients.RequestCancellation(desk.Host, offered);
        await RetentionClients.RequestCancellation(desk.Host, letGo);

        var offer = await RetentionClients.Decision(desk.Host, offered);
        var notOffered = await RetentionClients.Decision(desk.Host, letGo);

        offer["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        offer["offer"]!["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        notOffered["decision"]!.GetValue<string>().ShouldBe("no-offer");
        notOffered["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        (await StoredEvent.LatestIn(desk.Store, offered, "retention-offer-made")).Data["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        (await StoredEvent.LatestIn(desk.Store, letGo, "retention-not-offered")).Data["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        (await OfferEntry(offered))["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
    }

    [Fact]
    public async Task an_offer_recorded_before_tiers_were_answers_its_tier_from_its_rule_and_inputs()
    {
        // Gold, as seed 000's Alpha: 18,181.82 of current value, from 5,000; 18,181.82 x 20% x 60% = 2,181.82. Stored as offers
        // were before 2026-12-07: the tier in the rule's words and the inputs, no tier field.
        var (client, ask) = (Ids.Customer(), Ids.Touchpoint());
        var made = DateTimeOffset.UtcNow.AddMinutes(-1);
        await new OlderShapes(desk.Store).Append(client, made,
            new("signed-up", typeof(SignedUp), $$"""{"name": "Old Offer Ltd", "email": "ops@old.example", "channel": "web", "segment": "smb", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "{{Ids.Touchpoint()}}", "acquisitionCost": 0}"""),
            new("cancellation-requested", typeof(CancellationRequested), $$"""{"reason": null, "occurredAt": "{{made.AddMinutes(-1):O}}", "touchpointId": "{{ask}}"}"""),
            new("retention-offer-made", typeof(RetentionOfferMade), $$"""{"cost": 2181.82, "rule": "gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)", "amount": 2181.82, "inputs": {"tierFrom": 5000, "tierShare": 0.6, "currentValue": 18181.82, "offerCapShare": 0.2, "historicalProfit": 16000, "minimumCurrentValue": 1000, "expectedRemainingMargin": 18181.82}, "offerId": "offer:{{ask}}", "expiresAt": "{{made.AddDays(7):O}}", "occurredAt": "{{made:O}}", "touchpointId": "system:assessment:{{ask}}", "cancellationTouchpointId": "{{ask}}"}""", "system"));

        var decision = (await desk.Host.GetJson($"/api/customers/{client}/retention"))["pending"]!;

        decision["decision"]!.GetValue<string>().ShouldBe("offer-made");
        TierOf(decision["offer"]!).ShouldBe(("gold", 5_000m, 0.6m, 0.2m));
        decision["why"]!.GetValue<string>().ShouldBe("Offer 2,181.82 to keep the client: the client is in the gold retention tier (current value from 5,000), " +
            "whose rule is to offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0).");
        // Its formula from its rule's ending, as stored: no formula field.
        decision["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        decision["offer"]!["formula"]!.GetValue<string>().ShouldBe("retention-ltv@0");
        // Read, never rewritten: the timeline shows it as stored, without a tier (once the profiles are folded again, as
        // after an upgrade: the rows above bypassed the inline projection).
        (await StoredEvent.OfTouchpoint(desk.Store, $"system:assessment:{ask}")).Data.ContainsKey("tier").ShouldBeFalse();
        (await StoredEvent.OfTouchpoint(desk.Store, $"system:assessment:{ask}")).Data.ContainsKey("formula").ShouldBeFalse();
        await desk.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(desk.Host, "CustomerProfile");
        (await OfferEntry(client))["tier"].ShouldBeNull();
        (await OfferEntry(client))["formula"].ShouldBeNull();
    }

    private async Task<JsonNode> OfferEntry(string client) =>
        (await desk.Host.TimelineEntries(client)).Single(e => e!["type"]!.GetValue<string>() == "retention-offer-made")!;

    private static (string, decimal, decimal, decimal) TierOf(JsonNode offer)
    {
        var tier = offer["tier"] ?? throw new ShouldAssertException($"no tier in {offer.ToJsonString()}");
        return (tier["name"]!.GetValue<string>(), tier["from"]!.GetValue<decimal>(), tier["share"]!.GetValue<decimal>(), tier["capShare"]!.GetValue<decimal>());
    }
}
