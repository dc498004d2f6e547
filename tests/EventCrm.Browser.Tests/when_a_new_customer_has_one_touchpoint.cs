using System.Net.Http.Json;
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
        // A lead, not a customer: the portfolio's scenarios count the seed's customers and no more.
        var id = $"newcomer-{Guid.NewGuid():N}";
        (await app.Api.PostAsJsonAsync("/api/touchpoints", new
        {
            type = "lead-captured", customerId = id, touchpointId = $"{id}-lead", occurredAt = "2026-01-15T10:00:00+00:00",
            name = "Nina Newcomer", email = $"{id}@example.org", source = "trade fair",
        }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await app.WithDesk(nameof(the_value_over_time_is_said_in_words_not_drawn), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.CustomerTitle).ToHaveTextAsync("Nina Newcomer");

            // Nothing bought nor spent yet: worth 0 on every count.
            var chart = desk.Page.Locator("#value-chart");
            await Expect(chart).ToHaveTextAsync("Only Jan 15, 2026 so far (1 touchpoint): current value 0.00, potential 0.00, profit to date 0.00. " +
                "The chart is drawn once touchpoints on two different moments are known.");
            await Expect(chart.GetByRole(AriaRole.Img)).ToHaveCountAsync(0);
        }, path: $"/#customer={id}");
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
