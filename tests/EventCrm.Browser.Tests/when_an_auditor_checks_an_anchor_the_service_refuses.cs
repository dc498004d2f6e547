using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The whole log's checks after a refusal or a failure. Before, a good anchor check's green line ("the N seals … are
/// unchanged") stayed under a broken anchor pasted next, the status line said "Checking the seals…" for ever, and the
/// refusal was shown at the top of the page, out of sight; "Taking an anchor…" and "Checking every customer's chain…"
/// stayed after a failure too.
/// </summary>
public class when_an_auditor_checks_an_anchor_the_service_refuses(BrowserFixture app)
{
    [Fact]
    public async Task a_broken_anchor_after_a_good_one_leaves_no_green_line_and_is_refused_beside_the_form()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_broken_anchor_after_a_good_one_leaves_no_green_line_and_is_refused_beside_the_form), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            await page.GetByRole(AriaRole.Button, new() { Name = "Take an anchor" }).ClickAsync();
            var shown = page.GetByLabel("The anchor taken");
            await Expect(shown).ToContainTextAsync("\"digest\"");
            // The anchor's 64-digit digest wraps inside its panel: unwrapped it pushed the page past 1366 px.
            (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(1366, "the page scrolls sideways");
            var anchor = await shown.InnerTextAsync();
            var kept = page.GetByLabel("An anchor kept earlier (its JSON)");
            var check = page.GetByRole(AriaRole.List, new() { Name = "Anchor check" });
            var status = page.Locator("#status");
            var checkIt = page.GetByRole(AriaRole.Button, new() { Name = "Check the seals against it" });
            await kept.FillAsync(anchor);
            await checkIt.ClickAsync();
            await Expect(check).ToContainTextAsync("are unchanged.");

            // Each broken anchor the service refuses (400): a digest cut short, an empty object, an array.
            var digest = System.Text.Json.Nodes.JsonNode.Parse(anchor)!["databases"]![0]!["digest"]!.GetValue<string>();
            foreach (var broken in new[] { anchor.Replace(digest, digest[..20]), "{}", "[]" })
            {
                await kept.FillAsync(broken);
                await checkIt.ClickAsync();

                await Expect(check.Locator("li")).ToHaveCountAsync(1);
                await Expect(check).ToContainTextAsync("Not checked: ");
                await Expect(check).Not.ToContainTextAsync("unchanged");
                await Expect(check.Locator("li.good")).ToHaveCountAsync(0);
                await Expect(status).ToHaveTextAsync("");
                await Expect(kept).ToHaveAttributeAsync("aria-invalid", "true");
                await Expect(kept).ToBeFocusedAsync();
                await Expect(desk.Error).ToContainTextAsync("Anchor check: The request is invalid (400)");
            }

            // A good anchor again: the refusal goes, the field is no longer marked.
            await kept.FillAsync(anchor);
            await checkIt.ClickAsync();
            await Expect(check).ToContainTextAsync("are unchanged.");
            await Expect(check).Not.ToContainTextAsync("Not checked");
            await Expect(kept).ToHaveAttributeAsync("aria-invalid", "false");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task text_that_is_not_json_is_refused_beside_the_form()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(text_that_is_not_json_is_refused_beside_the_form), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            var kept = page.GetByLabel("An anchor kept earlier (its JSON)");
            await kept.FillAsync("{\"takenAt\": \"2026-12-07T00:25:02");
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the seals against it" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Anchor check" }))
                .ToHaveTextAsync("Not checked: the text is not JSON. Paste the anchor as it was taken.");
            await Expect(kept).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(kept).ToHaveAccessibleDescriptionAsync("Not checked: the text is not JSON. Paste the anchor as it was taken.");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task a_failed_anchor_or_chain_check_leaves_no_waiting_word_on_the_status_line()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_failed_anchor_or_chain_check_leaves_no_waiting_word_on_the_status_line), async desk =>
        {
            // The service failing these two reads (a 500 is not asked again, as a 503 would be).
            var failure = new RouteFulfillOptions
            {
                Status = 500, ContentType = "application/problem+json", Body = "{\"title\":\"Internal error\",\"status\":500,\"detail\":\"the seals could not be read\"}",
            };
            await desk.Page.RouteAsync("**/api/audit/anchor", route => route.FulfillAsync(failure));
            await desk.Page.RouteAsync("**/api/audit/verify", route => route.FulfillAsync(failure));
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            var status = page.Locator("#status");

            await page.GetByRole(AriaRole.Button, new() { Name = "Take an anchor" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Anchor taken" })).ToHaveTextAsync("No anchor taken: the seals could not be read");
            await Expect(status).ToHaveTextAsync("");
            await Expect(page.GetByLabel("The anchor taken")).ToBeHiddenAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Check every customer's chain" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Altered streams" })).ToHaveTextAsync("Not checked: the seals could not be read");
            await Expect(status).ToHaveTextAsync("");
        }, path: "/audit.html");
    }
}
