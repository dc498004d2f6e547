using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// At the first start after the demo seed the page said "2 customers" for minutes, nothing telling that the daemon was
/// still folding the log into the customers' ledgers. The answer's ledgerProgress says how far they had folded it when
/// the base was valued, and the page says plainly that its figures cover only that part, until the whole base is valued.
/// </summary>
public class when_the_portfolio_is_valued_while_the_ledgers_are_being_built(BrowserFixture app)
{
    [Fact]
    public async Task the_page_says_its_figures_cover_only_the_part_folded_then_that_the_whole_base_is_valued()
    {
        await app.WithDesk(nameof(the_page_says_its_figures_cover_only_the_part_folded_then_that_the_whole_base_is_valued), async desk =>
        {
            // The service's own answer, but from ledgers that had folded 2,000 of the log's 8,000 events, until the scenario says.
            var building = true;
            foreach (var answered in new[] { "**/api/portfolio/pareto", "**/api/kpis*", "**/api/data-quality*" })
                await desk.Page.RouteAsync(answered, async route =>
                {
                    var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!;
                    if (building)
                        answer["ledgerProgress"] = new JsonObject { ["position"] = 2000, ["highWaterMark"] = 8000, ["eventsBehind"] = 6000, ["caughtUp"] = false };
                    await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = answer.ToJsonString() });
                });
            await desk.EnterKey(BrowserFixture.AdminKey);

            var note = desk.Page.Locator("#ledger-behind");
            await Expect(note).ToBeVisibleAsync();
            await Expect(note).ToContainTextAsync("These figures cover only the part of the event log folded so far.");
            // 2,000 of 8,000 is a quarter, 25.0%; 8,000 - 2,000 = 6,000 behind.
            await Expect(note).ToContainTextAsync("had folded 2,000 of 8,000 events (25.0%), 6,000 events behind");
            await Expect(note).ToContainTextAsync("missing from every figure of this page");
            // The parts further down say it too, before figures such as "no lead captured" that are of the part folded only.
            const string partial = "Not the whole base yet: only the customers in the 2,000 of 8,000 events of the log folded so far are counted.";
            await Expect(desk.Page.Locator("#kpi-period-shown")).ToContainTextAsync(partial);
            await Expect(desk.Page.Locator("#quality-summary")).ToContainTextAsync(partial);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded: its figures cover only the part of the event log folded so far (see the note).");

            // The ledgers caught up and the service valued the whole base: the page, looking every few seconds, says so.
            building = false;
            await Expect(note).ToContainTextAsync("The whole base is valued now");
            await Expect(note.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Show the figures of the whole base" })).ToBeVisibleAsync();
        }, path: "/portfolio.html");
    }
}
