using System.Text.Json.Nodes;
using Alba;
using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>
/// Requests to cancel decided in November 2026 and one on each side of it, recorded as the service and the desk record
/// them (the decisions appended with their requests, so that the service has nothing left to assess). In November:
/// seven offers (gold 8,000 accepted, platinum 25,000 accepted, silver 2,000 declined, silver 1,500 expired, gold 6,000
/// closed by a churn, gold 5,000 open, and a silver 1,200 offer stored before offers carried their tier, accepted) and
/// three requests not offered (below-minimum withdrawn, negative-value let go, below-minimum still open). Before them,
/// the restart docs/operations.md tells of: an August offer accepted in September, two September offers expired.
/// </summary>
public sealed class DeskOutcomesHost() : SchemaHost("eventcrm_retention_outcomes")
{
    public static readonly DateTimeOffset Nov1 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    protected override async Task SeedAsync()
    {
        // Offers sized as the policy sizes them: current value x cap 0.2 x the tier's share.
        await Offer("gold-kept", Nov1.AddDays(1), Gold, 8_000m, 960m, RetentionOutcomes.Accepted);          // 8,000 x 0.2 x 0.6
        await Offer("platinum-kept", Nov1.AddDays(4), Platinum, 25_000m, 5_000m, RetentionOutcomes.Accepted); // 25,000 x 0.2 x 1.0
        await Offer("silver-declined", Nov1.AddDays(5), Silver, 2_000m, 120m, RetentionOutcomes.Declined);  // 2,000 x 0.2 x 0.3
        await Offer("silver-expired", Nov1.AddDays(6), Silver, 1_500m, 90m, RetentionOutcomes.Expired);     // 1,500 x 0.2 x 0.3
        await Offer("gold-left", Nov1.AddDays(7), Gold, 6_000m, 720m, RetentionOutcomes.Left);              // 6,000 x 0.2 x 0.6
        await Offer("gold-open", Nov1.AddDays(8), Gold, 5_000m, 600m, null);                               // 5,000 x 0.2 x 0.6
        await Offer("silver-untiered", Nov1.AddDays(9), null, 1_200m, 72m, RetentionOutcomes.Accepted);     // 1,200 x 0.2 x 0.3
        await NotOffered("below-stays", Nov1.AddDays(10), "below-minimum", 400m, RetentionOutcomes.Stayed);
        await NotOffered("negative-goes", Nov1.AddDays(11), "negative-value", -50m, RetentionOutcomes.Left);
        await NotOffered("below-open", Nov1.AddDays(12), "below-minimum", 300m, null);
        // On each side of November: decided a second before it (accepted within it), and at its end, which is December's.
        await Offer("october-kept", Nov1.AddSeconds(-1), Gold, 10_000m, 1_200m, RetentionOutcomes.Accepted);
        await Offer("december-kept", Nov1.AddMonths(1), Gold, 10_000m, 1_200m, RetentionOutcomes.Accepted);
        // The restart of docs/operations.md: an offer made on Aug 20 accepted on Sep 10, and two offers made on Sep 10 and 11
        // that expired a week later. The nodes' counters over those days: accepted 1 / made 2, "50%".
        await Offer("august-kept", new DateTimeOffset(2026, 8, 20, 9, 0, 0, TimeSpan.Zero), Gold, 9_000m, 1_080m, RetentionOutcomes.Accepted, answeredAfter: TimeSpan.FromDays(21));
        await Offer("september-lapsed-1", new DateTimeOffset(2026, 9, 10, 9, 0, 0, TimeSpan.Zero), Silver, 2_000m, 120m, RetentionOutcomes.Expired);
        await Offer("september-lapsed-2", new DateTimeOffset(2026, 9, 11, 9, 0, 0, TimeSpan.Zero), Silver, 3_000m, 180m, RetentionOutcomes.Expired);
        // A decision at a moment finer than PostgreSQL's microseconds (the service keeps 100 ns): July 15, 12:00:00.0000007.
        await NotOffered("tick-open", TickDecision, "below-minimum", 300m, null);
        await Store.CatchUp();
    }

    public static readonly DateTimeOffset TickDecision = new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero).AddTicks(7);

    private static readonly OfferTier Platinum = new("platinum", 20_000m, 1.0m, 0.2m), Gold = new("gold", 5_000m, 0.6m, 0.2m),
        Silver = new("silver", 1_000m, 0.3m, 0.2m);

    /// <summary>An offer for the client <paramref name="id"/>, made a minute after its request and ended a day later.</summary>
    private async Task Offer(string id, DateTimeOffset decided, OfferTier? tier, decimal value, decimal cost, string? outcome, TimeSpan? answeredAfter = null)
    {
        var (request, offer) = ($"{id}-request", $"offer:{id}-request");
        var inputs = new Dictionary<string, decimal> { ["currentValue"] = value, ["tierFrom"] = tier?.From ?? 1_000m, ["tierShare"] = tier?.Share ?? 0.3m, ["offerCapShare"] = 0.2m };
        // Without a tier, the offer is worded as offers were before 2026-12-07: the tier is read from its rule.
        var rule = tier is null ? "silver tier (current value from 1,000): offer 30 % of a cap of 20 % of the expected remaining margin" : OfferReason.Rule(tier);
        var made = new RetentionOfferMade($"{id}-made", decided, request, offer, cost, cost, decided.AddDays(7), rule, inputs, tier, tier is null ? null : "retention-ltv@0");
        var end = decided + (answeredAfter ?? TimeSpan.FromDays(1));
        ITouchpoint[] ended = outcome switch
        {
            RetentionOutcomes.Accepted => [new RetentionOfferAccepted($"{id}-accepted", end, offer)],
            RetentionOutcomes.Declined => [new RetentionOfferDeclined($"{id}-declined", end, offer)],
            RetentionOutcomes.Expired => [new RetentionOfferExpired($"{id}-expired", decided.AddDays(7), offer), new CustomerChurned($"{id}-churned", decided.AddDays(7), null)],
            // A churn naming no request, recorded while the offer runs, closes it.
            RetentionOutcomes.Left => [new CustomerChurned($"{id}-churned", end, "went to a competitor")],
            _ => [],
        };
        await Append(id, decided, [made, .. ended]);
    }

    private async Task NotOffered(string id, DateTimeOffset decided, string rule, decimal value, string? outcome)
    {
        var request = $"{id}-request";
        var letGo = new RetentionNotOffered($"{id}-decided", decided, request, "not worth an offer", $"{rule} (formula retention-ltv@0)",
            new Dictionary<string, decimal> { ["currentValue"] = value });
        ITouchpoint[] ended = outcome switch
        {
            RetentionOutcomes.Stayed => [new CancellationWithdrawn($"{id}-withdrawn", decided.AddDays(1), request, "talked out of it")],
            RetentionOutcomes.Left => [new CustomerChurned($"{id}-churned", decided.AddDays(1), "let go", request)],
            _ => [],
        };
        await Append(id, decided, [letGo, .. ended]);
    }

    private async Task Append(string customer, DateTimeOffset decided, ITouchpoint[] decisionAndEnd)
    {
        await using var session = Store.LightweightSession();
        session.Events.Append(customer, [
            new SignedUp($"{customer}-signup", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), customer, $"{customer}@example.com", "smb", null, 10m),
            new CancellationRequested($"{customer}-request", decided.AddMinutes(-1), "too expensive"),
            .. decisionAndEnd,
        ]);
        await session.SaveChangesAsync();
    }
}

/// <summary>
/// The desk's outcomes over a period (GET /api/retention/outcomes), counted from the requests decided in it, each followed to
/// its end: an offer made by one node and answered by another counts once, where the nodes' counters (docs/operations.md)
/// gave a save rate of 50% for a true 0%.
/// </summary>
public class when_the_manager_reads_the_desks_outcomes(DeskOutcomesHost desk) : IClassFixture<DeskOutcomesHost>
{
    private async Task<JsonNode> Outcomes(string query, string? key = null, int status = 200)
    {
        var result = await desk.Host.Scenario(s =>
        {
            s.Get.Url($"/api/retention/outcomes?{query}");
            if (key is not null) s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.StatusCodeShouldBe(status);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    [Fact]
    public async Task november_counts_its_offers_their_ends_the_money_spent_and_the_value_kept()
    {
        var o = (await Outcomes("from=2026-11-01&to=2026-12-01"))["outcomes"]!;

        o["from"]!.GetValue<DateTimeOffset>().ShouldBe(DeskOutcomesHost.Nov1);
        o["to"]!.GetValue<DateTimeOffset>().ShouldBe(DeskOutcomesHost.Nov1.AddMonths(1));
        // 7 offers + 3 not offered; October's and December's are outside.
        o["requests"]!.GetValue<int>().ShouldBe(10);
        var offers = o["offers"]!;
        offers["made"]!.GetValue<int>().ShouldBe(7);
        offers["accepted"]!.GetValue<int>().ShouldBe(3);  // gold 8,000, platinum, the untiered silver
        offers["declined"]!.GetValue<int>().ShouldBe(1);
        offers["expired"]!.GetValue<int>().ShouldBe(1);
        offers["left"]!.GetValue<int>().ShouldBe(1);
        offers["open"]!.GetValue<int>().ShouldBe(1);
        // 3 accepted of the 7 - 1 open = 6 ended.
        offers["saveRate"]!.GetValue<decimal>().ShouldBe(0.5m);
        // 960 + 5,000 + 72 spent to keep 8,000 + 25,000 + 1,200.
        offers["moneySpent"]!.GetValue<decimal>().ShouldBe(6_032m);
        offers["valueKept"]!.GetValue<decimal>().ShouldBe(34_200m);
        offers["acceptedWithoutValue"]!.GetValue<int>().ShouldBe(0);
        o["retained"]!.GetValue<int>().ShouldBe(3);
        o["churnedAfterOffer"]!.GetValue<int>().ShouldBe(3);   // declined 1 + expired 1 + left 1

        var notOffered = o["notOffered"]!;
        notOffered["total"]!.GetValue<int>().ShouldBe(3);
        notOffered["byRule"]!.ToJsonString().ShouldBe("""{"below-minimum":2,"negative-value":1}""");
        (notOffered["stayed"]!.GetValue<int>(), notOffered["left"]!.GetValue<int>(), notOffered["open"]!.GetValue<int>()).ShouldBe((1, 1, 1));
    }

    [Fact]
    public async Task each_tier_has_its_own_save_rate_the_highest_tier_first()
    {
        var tiers = (await Outcomes("from=2026-11-01&to=2026-12-01"))["outcomes"]!["byTier"]!.AsArray();

        tiers.Select(t => t!["tier"]!.GetValue<string>()).ShouldBe(["platinum", "gold", "silver"]);
        var (platinum, gold, silver) = (tiers[0]!["offers"]!, tiers[1]!["offers"]!, tiers[2]!["offers"]!);
        // Platinum: 1 made, 1 accepted: 1 of 1.
        (platinum["made"]!.GetValue<int>(), platinum["saveRate"]!.GetValue<decimal>(), platinum["moneySpent"]!.GetValue<decimal>()).ShouldBe((1, 1m, 5_000m));
        // Gold: 3 made (kept, left, open): 1 accepted of 2 ended.
        (gold["made"]!.GetValue<int>(), gold["open"]!.GetValue<int>(), gold["saveRate"]!.GetValue<decimal>()).ShouldBe((3, 1, 0.5m));
        (gold["moneySpent"]!.GetValue<decimal>(), gold["valueKept"]!.GetValue<decimal>()).ShouldBe((960m, 8_000m));
        // Silver: 3 made (declined, expired, and the offer whose tier is read from its rule, accepted): 1 of 3.
        (silver["made"]!.GetValue<int>(), silver["accepted"]!.GetValue<int>()).ShouldBe((3, 1));
        silver["saveRate"]!.GetValue<decimal>().ShouldBe(0.3333m); // 1/3 to 4 decimals, as the portfolio's rates
        (silver["moneySpent"]!.GetValue<decimal>(), silver["valueKept"]!.GetValue<decimal>()).ShouldBe((72m, 1_200m));
    }

    [Fact]
    public async Task an_offer_counts_in_the_period_it_was_made_in_whenever_it_was_answered()
    {
        // October's offer, made at 23:59:59 on Oct 31 and accepted on Nov 1: October's, 1 of 1. The counters counted the
        // acceptance in November's node, with no offer made there.
        var october = (await Outcomes("from=2026-10-01&to=2026-11-01"))["outcomes"]!;
        october["requests"]!.GetValue<int>().ShouldBe(1);
        october["offers"]!["saveRate"]!.GetValue<decimal>().ShouldBe(1m);
        october["offers"]!["moneySpent"]!.GetValue<decimal>().ShouldBe(1_200m);
        // A day with no decision: no save rate, not 0%.
        var quiet = (await Outcomes("from=2026-11-20&to=2026-11-21"))["outcomes"]!;
        (quiet["requests"]!.GetValue<int>(), quiet["offers"]!["saveRate"]).ShouldBe((0, null));
    }

    [Fact]
    public async Task an_acceptance_of_an_older_offer_does_not_lift_the_rate_of_the_offers_made_in_the_period()
    {
        // Sep 5-19: two offers made, both expired: 0 of 2 ended, 0%. August's offer, accepted on Sep 10, is August's.
        var september = (await Outcomes("from=2026-09-05&to=2026-09-20"))["outcomes"]!["offers"]!;
        (september["made"]!.GetValue<int>(), september["accepted"]!.GetValue<int>(), september["expired"]!.GetValue<int>()).ShouldBe((2, 0, 2));
        september["saveRate"]!.GetValue<decimal>().ShouldBe(0m);
        september["moneySpent"]!.GetValue<decimal>().ShouldBe(0m);
        var august = (await Outcomes("from=2026-08-01&to=2026-09-01"))["outcomes"]!["offers"]!;
        (august["made"]!.GetValue<int>(), august["saveRate"]!.GetValue<decimal>(), august["valueKept"]!.GetValue<decimal>()).ShouldBe((1, 1m, 9_000m));
    }

    [Theory]
    // [from, to) to the 100 ns the decision is recorded at: the period ending a tick after it holds it.
    [InlineData("2026-07-15T12:00:00Z", "2026-07-15T12:00:00.0000008Z", 1)]
    [InlineData("2026-07-15T12:00:00.0000007Z", "2026-07-15T12:00:00.0000008Z", 1)]
    [InlineData("2026-07-15T12:00:00Z", "2026-07-15T12:00:00.0000007Z", 0)]
    [InlineData("2026-07-15T12:00:00.0000008Z", "2026-07-15T12:00:01Z", 0)]
    public async Task a_decision_a_tick_inside_either_bound_is_in_the_period(string from, string to, int requests)
    {
        var o = (await Outcomes($"from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}"))["outcomes"]!;

        o["requests"]!.GetValue<int>().ShouldBe(requests);
    }

    [Fact]
    public async Task a_desk_key_reads_them_and_an_ingest_key_does_not()
    {
        var deskKey = (await desk.Host.PostJson("/api/keys", new { name = "retention desk", roles = new[] { "desk" } }, 201))["key"]!.GetValue<string>();
        var ingestKey = (await desk.Host.PostJson("/api/keys", new { name = "crm feed", roles = new[] { "ingest" } }, 201))["key"]!.GetValue<string>();

        (await Outcomes("from=2026-11-01&to=2026-12-01", deskKey))["outcomes"]!["requests"]!.GetValue<int>().ShouldBe(10);
        await Outcomes("from=2026-11-01&to=2026-12-01", ingestKey, status: 403);
    }

    [Theory]
    [InlineData("from=2026-12-01&to=2026-11-01", "from", "must not be after to")]
    [InlineData("from=2026-11-01&to=2999-01-01", "to", "must not be after ")]
    [InlineData("from=01/11/2026", "from", "must be yyyy-MM-dd (the start of that day, UTC)")]
    [InlineData("from=2026-02-30", "from", "names a day that does not exist")]
    [InlineData("from=1970-01-01&to=2026-11-01", "from", "must be at most 50 years before to")]
    [InlineData("to=1899-12-31", "to", "must not be before 1900-01-01")]
    public async Task a_bad_period_is_refused_as_the_key_figures_refuse_it(string query, string field, string words)
    {
        var problem = await Outcomes(query, status: 400);

        problem["status"]!.GetValue<int>().ShouldBe(400);
        problem.ErrorKeys().ShouldBe([field]);
        problem["errors"]![field]![0]!.GetValue<string>().ShouldContain(words);
        // The key figures refuse the same period with the same words.
        var kpis = await desk.Host.GetJson($"/api/kpis?{query}", 400);
        kpis["errors"]![field]![0]!.GetValue<string>().ShouldBe(problem["errors"]![field]![0]!.GetValue<string>());
    }
}
