using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A lead just captured has one point of value history: the chart drew an empty frame with its three
/// dates printed over each other. The desk says what there is in words instead.
/// </summary>
public class when_a_new_customer_has_one_touchpoint(BrowserFixture app)
{
    [Fact]
    public async Task the_value_over_time_is_said_in_words_not_drawn()
    {
        await app.WithDesk(nameof(the_value_over_time_is_said_in_words_not_drawn), async desk =>
        {
            // Answered here, not posted: a new stream in the shared base would change the replays' and portfolio's counts.
            await desk.Page.RouteAsync($"**/api/customers/{Newcomer}**", route => route.FulfillAsync(NewcomerAnswer(route.Request.Url)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.CustomerTitle).ToHaveTextAsync("Nina Newcomer");

            // Nothing bought nor spent yet: worth 0 on every count.
            var chart = desk.Page.Locator("#value-chart");
            await Expect(chart).ToHaveTextAsync("Only Jan 15, 2026 so far (1 touchpoint): current value 0.00, potential 0.00, profit to date 0.00. " +
                "The chart is drawn once touchpoints on two different moments are known.");
            await Expect(chart.GetByRole(AriaRole.Img)).ToHaveCountAsync(0);
        }, path: $"/#customer={Newcomer}");
    }

    private const string Newcomer = "newcomer-nina", LeadAt = "2026-01-15T10:00:00+00:00";

    /// <summary>A lead just captured at a trade fair, as the service answers for it: one touchpoint, worth nothing yet.</summary>
    private static RouteFulfillOptions NewcomerAnswer(string url)
    {
        var path = new Uri(url).AbsolutePath;
        JsonObject Page(string list, JsonObject item) => new()
        {
            ["customerId"] = Newcomer, ["name"] = "Nina Newcomer", ["state"] = "lead", ["order"] = "newest", ["page"] = 1,
            ["pageSize"] = 1000, ["total"] = 1, [list] = new JsonArray(item),
        };
        return path switch
        {
            _ when path.EndsWith("/timeline") => FakeAnswers.Json(Page("entries", new JsonObject
            {
                ["touchpointId"] = "nina-lead", ["type"] = "lead-captured", ["occurredAt"] = LeadAt, ["recordedAt"] = LeadAt, ["state"] = "lead",
                ["version"] = 1, ["source"] = "trade fair",
            })),
            _ when path.EndsWith("/value-history") => FakeAnswers.Json(Page("points", new JsonObject
            {
                ["touchpointId"] = "nina-lead", ["type"] = "lead-captured", ["occurredAt"] = LeadAt, ["recordedAt"] = LeadAt,
                ["revenue"] = 0m, ["profit"] = 0m, ["current"] = 0m, ["potential"] = 0m, ["tier"] = "low", ["formula"] = "retention-ltv@0",
            })),
            _ when path.EndsWith("/value") => FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Newcomer, ["historical"] = new JsonObject { ["revenue"] = 0m, ["margin"] = 0m, ["profit"] = 0m, ["costs"] = new JsonObject() },
                ["current"] = 0m, ["potential"] = new JsonObject { ["total"] = 0m, ["shareOfWalletGap"] = 0m, ["crossSell"] = 0m },
                ["tier"] = "low", ["formula"] = new JsonObject { ["name"] = "retention-ltv", ["version"] = 0 }, ["touchpointsCounted"] = 1,
                ["asOf"] = DateTimeOffset.UtcNow.ToString("O"), ["knownAt"] = null,
            }),
            _ when path.EndsWith("/retention") => FakeAnswers.Retention(Newcomer, decision: null),
            _ => FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Newcomer, ["name"] = "Nina Newcomer", ["email"] = "nina@example.org", ["segment"] = null, ["state"] = "lead",
            }),
        };
    }

    [Fact]
    public async Task one_touchpoint_counted_is_said_in_the_singular()
    {
        await app.WithDesk(nameof(one_touchpoint_counted_is_said_in_the_singular), async desk =>
        {
            // A customer valued on its signup alone, without a note (a lead's value has one instead of the count).
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value", async route =>
            {
                var answer = System.Text.Json.Nodes.JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                (answer["touchpointsCounted"], answer["note"]) = (1, null);
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Page.Locator(".card", new() { Has = desk.Card("Value tier") }).Locator(".card-note")).ToHaveTextAsync("rank among all clients · 1 touchpoint");
        });
    }
}
