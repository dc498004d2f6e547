using System.Net.Http.Json;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A customer who has just signed up has one point of value history: the chart drew an empty frame with
/// its three dates printed over each other. The desk says what there is in words instead.
/// </summary>
public class when_a_new_customer_has_one_touchpoint(BrowserFixture app)
{
    [Fact]
    public async Task the_value_over_time_is_said_in_words_not_drawn()
    {
        var id = $"newcomer-{Guid.NewGuid():N}";
        (await app.Api.PostAsJsonAsync("/api/touchpoints", new
        {
            type = "signed-up", customerId = id, touchpointId = $"{id}-signup", occurredAt = "2026-01-15T10:00:00+00:00",
            name = "Nina Newcomer", email = $"{id}@example.org", segment = "smb", channel = "web", acquisitionCost = 40m,
        }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await app.WithDesk(nameof(the_value_over_time_is_said_in_words_not_drawn), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.CustomerTitle).ToHaveTextAsync("Nina Newcomer");

            // No purchase: worth nothing yet (current 0), and the acquisition cost already spent (profit -40).
            var chart = desk.Page.Locator("#value-chart");
            await Expect(chart).ToContainTextAsync("Only Jan 15, 2026 so far (1 touchpoint): current value 0.00");
            await Expect(chart).ToContainTextAsync("profit to date -40.00.");
            await Expect(chart.GetByRole(AriaRole.Img)).ToHaveCountAsync(0);
            await Expect(desk.Page.Locator(".card", new() { Has = desk.Card("Value tier") }).Locator(".card-note")).ToHaveTextAsync("1 touchpoint");
        }, path: $"/#customer={id}");
    }
}
