using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>Gamma, a steady customer with every kind of touchpoint: 1 lead, 1 signup, 12 purchases, 1 refund, 1 call, 1 visit, 2 promotions.</summary>
public class when_browsing_a_customer(BrowserFixture app)
{
    private const int GammaTouchpoints = 19;

    [Fact]
    public async Task a_customer_is_found_and_opened_with_the_keyboard()
    {
        await app.WithDesk(nameof(a_customer_is_found_and_opened_with_the_keyboard), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.GetByLabel("Name or email")).ToBeFocusedAsync();

            await desk.Page.Keyboard.TypeAsync("ordinary customer 0");
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(desk.Page.Locator("#result-count")).ToContainTextAsync("9 found");
            await desk.Page.Keyboard.PressAsync("ArrowDown");
            await desk.Page.Keyboard.PressAsync("ArrowDown");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.CustomerTitle).ToHaveTextAsync("Ordinary Customer 02");
            await Expect(desk.Page.Locator("#customer")).ToBeFocusedAsync();
        });
    }

    [Fact]
    public async Task a_search_typed_while_the_customer_loads_keeps_the_keyboard()
    {
        var valueHeld = new TaskCompletionSource();
        await app.WithDesk(nameof(a_search_typed_while_the_customer_loads_keeps_the_keyboard), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value", async route =>
            {
                await valueHeld.Task;
                await route.ContinueAsync();
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.GetByLabel("Name or email").FillAsync("");

            valueHeld.SetResult();
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"{ScenarioData.GammaName} is open.");
            await desk.Page.Keyboard.TypeAsync("ordinary");

            await Expect(desk.Page.GetByLabel("Name or email")).ToHaveValueAsync("ordinary");
        });
    }

    [Fact]
    public async Task the_timeline_shows_every_touchpoint_newest_first_with_business_and_recording_times()
    {
        await app.WithDesk(nameof(the_timeline_shows_every_touchpoint_newest_first_with_business_and_recording_times), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.TimelineEntries).ToHaveCountAsync(GammaTouchpoints);
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "purchase");
            await Expect(desk.TimelineEntries.Last).ToHaveAttributeAsync("data-type", "lead-captured");
            await Expect(desk.TimelineEntries.Last).ToContainTextAsync("state → prospect");
            var times = desk.TimelineEntries.First.Locator("time");
            await Expect(times).ToHaveCountAsync(2);
            (await desk.TimelineEntries.First.InnerTextAsync()).ShouldContain("occurred");
            (await desk.TimelineEntries.First.InnerTextAsync()).ShouldContain("recorded");
        });
    }

    [Fact]
    public async Task the_timeline_reads_oldest_first_and_by_touchpoint_type()
    {
        await app.WithDesk(nameof(the_timeline_reads_oldest_first_and_by_touchpoint_type), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Page.GetByLabel("Order").SelectOptionAsync("oldest");
            (await desk.TimelineTypes()).Take(3).ShouldBe(["lead-captured", "signed-up", "purchase"]);

            await desk.Page.GetByLabel("Type").SelectOptionAsync("purchase");
            await Expect(desk.TimelineEntries).ToHaveCountAsync(12);
            (await desk.TimelineTypes()).ShouldAllBe(type => type == "purchase");

            await desk.Page.GetByLabel("Type").SelectOptionAsync("refund");
            await Expect(desk.TimelineEntries).ToHaveCountAsync(1);
            await Expect(desk.TimelineEntries.First).ToContainTextAsync("order gamma-o2");
        });
    }

    [Fact]
    public async Task each_entry_of_the_timeline_says_what_the_customer_was_worth_after_it()
    {
        await app.WithDesk(nameof(each_entry_of_the_timeline_says_what_the_customer_was_worth_after_it), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.GetByLabel("Order").SelectOptionAsync("oldest");

            // After the lead nothing is earned or spent; the signup costs 300 to acquire. Each amount
            // whole, to the cent ("profit to date 60" would also be read in 600.00 or 60.50).
            await Expect(desk.TimelineEntries.Nth(0).Locator(".entry-value")).ToContainTextAsync("profit to date 0.00 · ");
            await Expect(desk.TimelineEntries.Nth(1).Locator(".entry-value")).ToContainTextAsync("profit to date -300.00 · ");
            // After the last touchpoint: margin 2,460 - costs 505, the profit of the cards.
            await Expect(desk.TimelineEntries.Last.Locator(".entry-value")).ToContainTextAsync("profit to date 1,955.00 · ");
            // Named as the value's tier: the retention panel speaks of the retention policy's tiers (silver, gold ...).
            await Expect(desk.TimelineEntries.Last.Locator(".entry-value")).ToContainTextAsync("· value tier ");
            // The refund (day 85) follows two purchases (margin 2 x 210) and the signup: 420 - 60 - 300.
            await desk.Page.GetByLabel("Type").SelectOptionAsync("refund");
            await Expect(desk.TimelineEntries.First.Locator(".entry-value")).ToContainTextAsync("profit to date 60.00 · ");
        });
    }

    [Fact]
    public async Task the_value_cards_and_the_chart_show_what_the_customer_is_worth()
    {
        await app.WithDesk(nameof(the_value_cards_and_the_chart_show_what_the_customer_is_worth), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            // revenue = 12 x 700 - 200 = 8,200; margin = 12 x 210 - 60 = 2,460
            // costs: acquisition 300 + support 25 + visit 120 + promotions 10 + 50 = 505; profit = 1,955
            // Money always with its cents.
            await Expect(desk.Card("Revenue to date")).ToHaveTextAsync("8,200.00");
            await Expect(desk.Card("Profit to date")).ToHaveTextAsync("1,955.00");
            // retention-ltv@0 with the seed's refit (no churn: r = 0.99): margin 2,460 less development costs
            // (visit 120, promotions 60) and retention costs (support 25) is 2,255 in 500 days, 1,647.30 a year;
            // x 0.99 / (1.08 - 0.99) = 18,120.3 (a little less each hour after the seed).
            var current = decimal.Parse(await desk.Card("Current value").InnerTextAsync(), System.Globalization.CultureInfo.GetCultureInfo("en-US"));
            current.ShouldBe(18_120.3m, 3m);
            await Expect(desk.Card("Potential value")).Not.ToBeEmptyAsync();
            // Fifth of the 31 by current value: within the top fifth the refit set the high tier from.
            await Expect(desk.Card("Value tier")).ToHaveTextAsync("high");
            // P(alive) worked out here from the BG/NBD parameters the seed's refit fitted: Gamma bought on 12
            // days, 40 days apart, the first 460 days before the seed: x = 11, t_x = 440 / 7 and T = 460 / 7
            // weeks (counted in UTC days, as the service does); P = 1 / (1 + a / (b + x - 1) x ((alpha + T) / (alpha + t_x))^(r + x)).
            var fitted = System.Text.Json.Nodes.JsonNode.Parse(await app.Api.GetStringAsync("/api/models/current"))!["model"]!["purchases"]!;
            var (r, alpha, a, b) = (fitted["r"]!.GetValue<double>(), fitted["alpha"]!.GetValue<double>(), fitted["a"]!.GetValue<double>(), fitted["b"]!.GetValue<double>());
            var firstDay = app.SeededAt.AddDays(-460).UtcDateTime.Date;
            var (x, tx, T) = (11.0, (app.SeededAt.AddDays(-20).UtcDateTime.Date - firstDay).Days / 7.0, (DateTime.UtcNow.Date - firstDay).Days / 7.0);
            var alive = 1 / (1 + a / (b + x - 1) * Math.Pow((alpha + T) / (alpha + tx), r + x));
            await Expect(desk.Card("Still active")).ToHaveTextAsync((alive * 100).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%");
            await Expect(desk.ValueCards).ToContainTextAsync("purchases expected in 52 weeks");

            var chart = desk.Page.GetByRole(AriaRole.Img, new() { NameRegex = new("Value after each of 19 touchpoints") });
            await Expect(chart).ToBeVisibleAsync();
            await Expect(chart.Locator("path")).ToHaveCountAsync(3);
        });
    }

    [Fact]
    public async Task the_page_fits_a_1366x768_laptop_screen()
    {
        await app.WithDesk(nameof(the_page_fits_a_1366x768_laptop_screen), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            (await desk.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(1366);
            foreach (var part in new[] { "#value-cards", "#retention", "#timeline-title", "#search-input" })
            {
                var box = (await desk.Page.Locator(part).BoundingBoxAsync()).ShouldNotBeNull();
                (box.Y + box.Height).ShouldBeLessThanOrEqualTo(768, $"{part} ends below the fold");
            }
        });
    }
}
