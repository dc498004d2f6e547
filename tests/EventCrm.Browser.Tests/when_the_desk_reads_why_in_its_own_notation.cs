using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The retention panel's "Why:" printed the service's sentence, its figures in English notation ("Offer 2,366.35 ..."),
/// on a page whose every other figure is in the reader's (2.366,35 in German, on the "How much" line just below). The
/// page says it from the decision's figures, in the reader's notation. Answered in the service's place, as the service
/// words and records it, for a client nobody else's scenario decides on (nothing is recorded).
/// </summary>
public class when_the_desk_reads_why_in_its_own_notation(BrowserFixture app)
{
    private const string Client = "ordinary-13", Name = "Ordinary Customer 13";

    [Fact]
    public async Task an_offers_why_writes_its_figures_as_the_rest_of_a_german_page()
    {
        var inputs = new JsonObject
        {
            ["currentValue"] = 19719.62m, ["expectedRemainingMargin"] = 19719.62m, ["historicalProfit"] = 1234.5m, ["minimumCurrentValue"] = 1000m,
            ["offerCapShare"] = 0.2m, ["tierFrom"] = 5000m, ["tierShare"] = 0.6m,
        };
        await app.WithDesk(nameof(an_offers_why_writes_its_figures_as_the_rest_of_a_german_page), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route =>
            {
                var answer = JsonNode.Parse(FakeAnswers.Retention(Client, "offer-made", 2366.35m, inputs,
                    why: "Offer 2,366.35 to keep the client: the client is in the gold retention tier (current value from 5,000), whose rule " +
                         "is to offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0).").Body!)!;
                answer["pending"]!["offer"]!["rule"] = "gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)";
                return route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);

            // In German: 19.719,62 × 20,0 % × 60,0 % = 2.366,35 on the line below; the sentence the same way, 5.000 a count.
            await Expect(desk.Retention).ToContainTextAsync("How much: 19.719,62 × 20,0 % × 60,0 % = 2.366,35");
            await Expect(desk.Retention.Locator(".why")).ToHaveTextAsync(
                "Why: Offer 2.366,35 to keep the client: the client is in the gold retention tier (current value from 5.000), whose rule " +
                "is to offer 60,0 % of a cap of 20,0 % of the expected remaining margin (formula retention-ltv@0).");
        }, locale: "de-DE");
    }

    /// <summary>
    /// An offer answers its tier as figures (<c>offer.tier</c>, since 2026-12-07): the sentence is said from them, so a rule
    /// worded anew loses nothing. This one's rule is of no wording the page knows, as the service's own sentence shows.
    /// </summary>
    [Fact]
    public async Task an_offers_why_is_said_from_its_tier_whatever_its_rule_says()
    {
        await app.WithDesk(nameof(an_offers_why_is_said_from_its_tier_whatever_its_rule_says), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route =>
            {
                var answer = JsonNode.Parse(FakeAnswers.Retention(Client, "offer-made", 5000m,
                    why: "Offer 5,000.00 to keep the client: the client is in the platinum retention tier (current value from 20,000), whose rule " +
                         "is to offer 100 % of a cap of 25 % of the expected remaining margin (formula retention-ltv@2).").Body!)!;
                var offer = answer["pending"]!["offer"]!;
                offer["rule"] = "top clients get the whole cap";
                offer["formula"] = "retention-ltv@2";
                offer["tier"] = new JsonObject { ["name"] = "platinum", ["from"] = 20000m, ["share"] = 1m, ["capShare"] = 0.25m };
                return route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);

            // In German: 5,000.00 reads 5.000,00; 20,000 a count, 20.000; 100 % and 25 % as the page's shares, 100,0 % and 25,0 %.
            await Expect(desk.Retention.Locator(".why")).ToHaveTextAsync(
                "Why: Offer 5.000,00 to keep the client: the client is in the platinum retention tier (current value from 20.000), whose rule " +
                "is to offer 100,0 % of a cap of 25,0 % of the expected remaining margin (formula retention-ltv@2).");
        }, locale: "de-DE");
    }

    [Fact]
    public async Task a_no_offers_why_writes_its_figures_as_the_rest_of_a_german_page()
    {
        await app.WithDesk(nameof(a_no_offers_why_writes_its_figures_as_the_rest_of_a_german_page), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route =>
            {
                var answer = JsonNode.Parse(FakeAnswers.Retention(Client, "no-offer",
                    why: "Current value 1,295.45 is below the 1,500.00 minimum for any retention offer.").Body!)!;
                answer["pending"]!["rule"] = "below-minimum (formula retention-ltv@0)";
                answer["pending"]!["inputs"] = new JsonObject { ["currentValue"] = 1295.45m, ["minimumCurrentValue"] = 1500m, ["offerCapShare"] = 0.2m };
                return route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);

            await Expect(desk.Retention.Locator(".why")).ToHaveTextAsync(
                "Why: Current value 1.295,45 is below the 1.500,00 minimum for any retention offer.");
        }, locale: "de-DE");
    }
}
