using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A tablet held upright (768x1024) stacks the desk: the work list, the search, the customer. With no client open the
/// work list was a box of six clients scrolling inside itself, 14rem tall, above some 400 px of blank page (the walk-through
/// of 2026-12-08). The list takes the height the window leaves free, as on a laptop; with a client open nothing is left
/// free and the client's title is on the first screen.
/// </summary>
public class when_the_desk_is_used_on_a_tablet(BrowserFixture app)
{
    private const int Width = 768, Height = 1024;

    [Fact]
    public async Task the_work_list_takes_the_free_height_while_no_client_is_open()
    {
        await app.WithDesk(nameof(the_work_list_takes_the_free_height_while_no_client_is_open), async desk =>
        {
            // The demo's first page of 50 (of 144), answered in the service's place: more than the window holds. The first is
            // a client of the seed, to be opened.
            JsonArray listed = [.. Enumerable.Range(1, 50).Select(n => (JsonNode)new JsonObject
            {
                ["customerId"] = n == 1 ? ScenarioData.Gamma : $"tablet-{n:00}", ["name"] = n == 1 ? ScenarioData.GammaName : $"Harbour Logistics {n:00}", ["requestedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
                ["reason"] = "price", ["decision"] = "offer-made", ["currentValue"] = 19_665.50m + n,
                ["offer"] = new JsonObject { ["offerId"] = $"offer:tablet-{n:00}", ["amount"] = 2_359.86m, ["cost"] = 2_359.86m, ["expiresAt"] = DateTimeOffset.UtcNow.AddDays(6).ToString("O") },
            })];
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(FakeAnswers.Json(
                new JsonObject { ["page"] = 1, ["pageSize"] = 50, ["total"] = 144, ["items"] = listed })));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(50);
            await Expect(desk.CustomerTitle).ToHaveTextAsync("No customer open");

            // The page fills the window and no more: its last panel ends at the desk's bottom padding (1rem, 15 px).
            (await desk.Page.EvaluateAsync<int>("document.documentElement.scrollHeight")).ShouldBeLessThanOrEqualTo(Height, "the page itself scrolls");
            var customer = (await desk.Page.Locator("#customer").BoundingBoxAsync()).ShouldNotBeNull();
            (customer.Y + customer.Height).ShouldBeGreaterThanOrEqualTo(Height - 16, "blank page below the last panel");
            // Each client is two lines, about 34 px: 14rem (210 px) showed six whole; the free 400 px more show twelve at least.
            (await WholeInSight(list)).ShouldBeGreaterThanOrEqualTo(12);
            (await list.EvaluateAsync<bool>("list => list.scrollHeight > list.clientHeight")).ShouldBeTrue("the 50 clients are not scrolled in their box");

            // A client open takes the page: the list keeps its 14rem, the client's title on the first screen.
            await list.GetByRole(AriaRole.Button).First.ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);
            var title = (await desk.CustomerTitle.BoundingBoxAsync()).ShouldNotBeNull();
            (title.Y + title.Height).ShouldBeLessThanOrEqualTo(Height, "the client's title is below the first screen");
        }, width: Width, height: Height);
    }

    /// <summary>How many of the list's clients are drawn wholly inside its box.</summary>
    private static Task<int> WholeInSight(ILocator list) => list.EvaluateAsync<int>("""
        list => {
          const box = list.getBoundingClientRect();
          const [top, bottom] = [box.top + list.clientTop, box.top + list.clientTop + list.clientHeight];
          return [...list.querySelectorAll("li")].filter(li => {
            const r = li.getBoundingClientRect();
            return r.height > 0 && r.top >= top - 0.5 && r.bottom <= bottom + 0.5;
          }).length;
        }
        """);
}
