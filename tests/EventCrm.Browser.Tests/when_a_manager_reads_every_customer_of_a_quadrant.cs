using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Each quadrant listed its first five customers and "and N more", with no way to the others: a manager could
/// not see who the rest of a quadrant were. "Show N more" now reads them a page at a time, in the same order.
/// </summary>
public class when_a_manager_reads_every_customer_of_a_quadrant(BrowserFixture app)
{
    private const string Quadrant = "[data-quadrant='high-value-high-potential']";

    [Fact]
    public async Task show_more_reads_the_quadrant_a_page_at_a_time_to_its_last_customer_by_keyboard()
    {
        await app.WithDesk(nameof(show_more_reads_the_quadrant_a_page_at_a_time_to_its_last_customer_by_keyboard), async desk =>
        {
            // A keep-and-grow quadrant of 450 made-up customers, q-001 to q-450 in the service's order; the segments
            // answer names the first five of them, as the service does; the pages are cut from the same list.
            var asked = new List<string>();
            await desk.Page.RouteAsync("**/api/portfolio/segments?*", async route =>
            {
                var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!;
                var quadrant = answer["analysis"]!["quadrants"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == "high-value-high-potential")!;
                quadrant["count"] = 450;
                quadrant["customerIds"] = new JsonArray([.. Members(1, 5).Select(m => (JsonNode)m["customerId"]!.GetValue<string>())]);
                quadrant["customers"] = new JsonArray([.. Members(1, 5)]);
                await route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.Page.RouteAsync("**/api/portfolio/segments/high-value-high-potential/customers?*", async route =>
            {
                var query = System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query);
                var (page, size) = (int.Parse(query["page"]!), int.Parse(query["pageSize"]!));
                asked.Add($"{page}x{size}");
                await route.FulfillAsync(FakeAnswers.Json(new JsonObject
                {
                    ["quadrant"] = "high-value-high-potential", ["page"] = page, ["pageSize"] = size, ["total"] = 450,
                    ["customers"] = new JsonArray([.. Members((page - 1) * size + 1, Math.Min(size, 450 - (page - 1) * size))]),
                }));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded.");

            var members = desk.Page.Locator($"{Quadrant} li");
            var shown = desk.Page.Locator($"{Quadrant} .members-shown");
            await Expect(members).ToHaveCountAsync(5);
            await Expect(shown).ToHaveTextAsync("5 of 450 shown, worth most now first.");

            // By keyboard alone: to the button, Enter. The first page repeats the five shown: they are listed once.
            var more = desk.Page.Locator(Quadrant).GetByRole(AriaRole.Button, new() { Name = "Show 200 more" });
            await more.FocusAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(members).ToHaveCountAsync(200);
            await Expect(shown).ToHaveTextAsync("200 of 450 shown, worth most now first.");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("195 more customers of High value, high potential shown: 200 of 450.");
            // The keyboard goes on from the first customer just shown, the sixth.
            (await desk.Page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Customer 006");

            await desk.Page.Locator(Quadrant).GetByRole(AriaRole.Button, new() { Name = "Show 200 more" }).ClickAsync();
            await Expect(members).ToHaveCountAsync(400);
            await desk.Page.Locator(Quadrant).GetByRole(AriaRole.Button, new() { Name = "Show 50 more" }).ClickAsync();
            await Expect(members).ToHaveCountAsync(450);
            await Expect(shown).ToHaveTextAsync("");
            await Expect(desk.Page.Locator(Quadrant).GetByRole(AriaRole.Button)).ToBeHiddenAsync();
            asked.ShouldBe(["1x200", "2x200", "3x200"]);

            // In the service's order, each once, each name a link to the customer.
            (await members.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.customer)"))
                .ShouldBe(Enumerable.Range(1, 450).Select(n => $"q-{n:000}"));
            var last = members.Last.GetByRole(AriaRole.Link);
            await Expect(last).ToHaveAccessibleNameAsync("Customer 450");
            await Expect(last).ToHaveAttributeAsync("href", "index.html#customer=q-450");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/portfolio.html");
    }

    /// <summary>On the seeded base, through the service's own route: the largest quadrant (33 customers in four: at least 9) read whole.</summary>
    [Fact]
    public async Task the_largest_quadrant_of_the_base_is_read_whole_each_customer_once_linking_to_it()
    {
        await app.WithDesk(nameof(the_largest_quadrant_of_the_base_is_read_whole_each_customer_once_linking_to_it), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.Locator("[data-quadrant]")).ToHaveCountAsync(4);
            var counts = await desk.Page.Locator("[data-quadrant] > .figure").AllInnerTextsAsync();
            var largest = desk.Page.Locator("[data-quadrant]").Nth(counts.Select((text, i) => (n: int.Parse(text.Split(' ')[0]), i)).MaxBy(c => c.n).i);
            var members = largest.Locator("li[data-customer]");
            await Expect(members).ToHaveCountAsync(5);

            await largest.GetByRole(AriaRole.Button, new() { NameRegex = new("^Show \\d+ more customers of ") }).ClickAsync();

            // Every one of them (other scenarios' outcomes may move a customer between quadrants meanwhile: no exact count).
            await Expect(largest.GetByRole(AriaRole.Button)).ToBeHiddenAsync();
            var ids = await members.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.customer)");
            ids.Length.ShouldBeGreaterThan(5);
            ids.ShouldBeUnique();
            foreach (var id in ids)
                await Expect(largest.Locator($"li[data-customer='{id}'] a")).ToHaveAttributeAsync("href", $"index.html#customer={Uri.EscapeDataString(id)}");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// Four buttons read "Show 200 more" alike, saying nothing of the quadrant they add to (WCAG 2.4.6); and while a page was
    /// read the button, disabled, dropped the keyboard to the page's body (WCAG 2.4.3) (until 2026-12-07).
    /// </summary>
    [Fact]
    public async Task each_quadrants_button_names_its_quadrant_and_keeps_the_keyboard_while_its_page_is_read()
    {
        await app.WithDesk(nameof(each_quadrants_button_names_its_quadrant_and_keeps_the_keyboard_while_its_page_is_read), async desk =>
        {
            // Every quadrant of 450 made-up customers, so that each has its button.
            await desk.Page.RouteAsync("**/api/portfolio/segments?*", async route =>
            {
                var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!;
                foreach (var quadrant in answer["analysis"]!["quadrants"]!.AsArray())
                {
                    quadrant!["count"] = 450;
                    quadrant["customerIds"] = new JsonArray([.. Members(1, 5).Select(m => (JsonNode)m["customerId"]!.GetValue<string>())]);
                    quadrant["customers"] = new JsonArray([.. Members(1, 5)]);
                }
                await route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            var answerThePage = new TaskCompletionSource();
            await desk.Page.RouteAsync("**/api/portfolio/segments/high-value-high-potential/customers?*", async route =>
            {
                await answerThePage.Task;
                await route.FulfillAsync(FakeAnswers.Json(new JsonObject
                {
                    ["quadrant"] = "high-value-high-potential", ["page"] = 1, ["pageSize"] = 200, ["total"] = 450, ["customers"] = new JsonArray([.. Members(1, 200)]),
                }));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded.");

            string[] quadrants = ["Low value, high potential", "High value, high potential", "Low value, low potential", "High value, low potential"];
            foreach (var title in quadrants)
                await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = $"Show 200 more customers of {title}", Exact = true })).ToBeVisibleAsync();

            var more = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show 200 more customers of High value, high potential", Exact = true });
            await more.FocusAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            // While the page is read: the keyboard stays on the button, which says it cannot be pressed now.
            await Expect(more).ToHaveAttributeAsync("aria-disabled", "true");
            await Expect(more).ToBeFocusedAsync();
            answerThePage.SetResult();
            await Expect(desk.Page.Locator($"{Quadrant} li")).ToHaveCountAsync(200);
            (await desk.Page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Customer 006");
        }, path: "/portfolio.html");
    }

    private static IEnumerable<JsonObject> Members(int first, int count) => Enumerable.Range(first, Math.Max(0, count))
        .Select(n => new JsonObject { ["customerId"] = $"q-{n:000}", ["name"] = $"Customer {n:000}", ["currentValue"] = 1000m - n, ["potentialValue"] = 0m });
}
