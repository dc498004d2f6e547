using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A large account's value chart: its y labels ran from a fixed 64 px margin, and "1,000,000" read ",000,000"
/// (10 million lost more). Every label is whole, on a laptop and on a phone.
/// </summary>
public class when_an_account_is_worth_millions(BrowserFixture app)
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(390, 844)]
    public async Task the_value_charts_labels_are_printed_whole(int width, int height)
    {
        await app.WithDesk($"{nameof(the_value_charts_labels_are_printed_whole)}_{width}", async desk =>
        {
            // Gamma's value history answered here as a twelve-million account's (the seed stays as it is for the others).
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value-history**", route => route.FulfillAsync(FakeAnswers.Json(History())));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await Expect(desk.Page.Locator("#value-chart svg")).ToBeVisibleAsync();

            // The highest value 12,345,678 over 4 steps is 3,086,419.5 a step, rounded up to 5,000,000: 0, 5M, 10M, 15M.
            var labels = await desk.Page.EvaluateAsync<string[]>(ChartText.Labels("#value-chart"));
            labels.ShouldContain("15,000,000");
            labels.ShouldContain("10,000,000");
            (await desk.Page.EvaluateAsync<string[]>(ChartText.Faults("#value-chart"))).ShouldBeEmpty();
        }, width: width, height: height);
    }

    /// <summary>Three moments a year apart, newest first as the desk asks; the profit and the potential in millions too.</summary>
    private static JsonObject History()
    {
        JsonNode Point(string id, string at, decimal current, decimal profit) => new JsonObject
        {
            ["touchpointId"] = id, ["type"] = "order-placed", ["occurredAt"] = at, ["recordedAt"] = at,
            ["revenue"] = profit * 3, ["profit"] = profit, ["current"] = current, ["potential"] = 2_000_000m, ["tier"] = "high", ["formula"] = "retention-ltv@0",
        };
        return new JsonObject
        {
            ["customerId"] = ScenarioData.Gamma, ["order"] = "newest", ["page"] = 1, ["pageSize"] = 1000, ["total"] = 3,
            ["points"] = new JsonArray(
                Point("big-3", "2026-11-01T10:00:00+00:00", 12_345_678m, 4_000_000m),
                Point("big-2", "2025-11-01T10:00:00+00:00", 9_500_000m, 2_500_000m),
                Point("big-1", "2024-11-01T10:00:00+00:00", 1_000_000m, 1_000_000m)),
        };
    }
}
