using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>The audit page, driven with an auditor's key: a value at a past date, the check of the events behind it, anchors.</summary>
public class when_an_auditor_checks_the_history(BrowserFixture app)
{
    [Fact]
    public async Task the_value_at_a_past_date_counts_only_what_happened_by_then_and_the_events_are_checked()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_value_at_a_past_date_counts_only_what_happened_by_then_and_the_events_are_checked), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            // Beta signed up 400 days ago and bought for 60, 45, 80 and 50 on its days 20, 110, 200 and 290: by its day 150, 60 + 45.
            await page.GetByLabel("As of (business date)").FillAsync(DateTime.UtcNow.AddDays(-250).ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            await Expect(desk.Card("Revenue to date")).ToHaveTextAsync("105.00");
            await Expect(desk.Card("Touchpoints counted")).ToHaveTextAsync("6");   // the signup, two purchases, the calls of days 35, 80 and 125
            await Expect(page.Locator("#audit-chain")).ToContainTextAsync("Events unaltered:");
            // The streams the value is computed from are checked beside it: the base was refitted once at least, formulas maybe registered by other scenarios.
            var inputs = page.Locator("#audit-inputs");
            await Expect(inputs).ToContainTextAsync("Formulas and model unaltered:");
            await Expect(inputs).ToContainTextAsync("formula registry: ");
            await Expect(inputs).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"portfolio model: (1 sealed event matches its seal|\d+ sealed events match their seals)"));

            // The history runs to Beta's last touchpoint, each valued under the formula of the day it was recorded.
            var history = page.GetByRole(AriaRole.Table, new() { Name = "Value after each touchpoint under the formula in force when it was recorded" });
            await Expect(history.Locator("tbody tr")).ToHaveCountAsync(14);   // the signup, four purchases, seven calls, the cancellation request, the desk's answer
            var secondPurchase = history.Locator("tbody tr").Filter(new() { HasText = "purchase" }).Nth(1);
            await Expect(secondPurchase.Locator("td").Nth(3)).ToHaveTextAsync("105.00");
            await Expect(secondPurchase.Locator("td").Nth(8)).ToHaveTextAsync("retention-ltv@0");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    /// <summary>
    /// The page asks for UTC days ("Dates are ends of days, UTC") and shows its moments in UTC, named so, whatever the
    /// reader's zone. In Tokyo the date asked used to come back as the next morning, "as of <next day>, 8:59 AM GMT+9",
    /// beside a history dated in unlabelled UTC days.
    /// </summary>
    [Fact]
    public async Task a_reader_east_of_utc_sees_the_utc_day_asked_for_named_utc()
    {
        var auditor = await app.KeyWithRoles("auditor");
        var asked = DateTime.UtcNow.Date.AddDays(-250);
        await app.WithDesk(nameof(a_reader_east_of_utc_sees_the_utc_day_asked_for_named_utc), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByLabel("As of (business date)").FillAsync(asked.ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            // The end of the day asked, 23:59:59.9999999 UTC, to the minute.
            var english = System.Globalization.CultureInfo.GetCultureInfo("en-US");
            await Expect(page.Locator(".card", new() { Has = desk.Card("Touchpoints counted") }).Locator(".card-note"))
                .ToHaveTextAsync($"as of {asked.ToString("MMM d, yyyy", english)}, 11:59 PM UTC");
            var history = page.GetByRole(AriaRole.Table, new() { Name = "Value after each touchpoint under the formula in force when it was recorded" });
            await Expect(history.GetByRole(AriaRole.Columnheader)).ToContainTextAsync(["Occurred (UTC)", "Recorded (UTC)"]);
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html", timezone: "Asia/Tokyo");
    }

    [Fact]
    public async Task the_desk_opens_the_audit_of_the_customer_it_shows()
    {
        await app.WithDesk(nameof(the_desk_opens_the_audit_of_the_customer_it_shows), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.GetByRole(AriaRole.Link, new() { Name = "Audit this customer" }).ClickAsync();

            await Expect(desk.Page.GetByLabel("Customer id")).ToHaveValueAsync(ScenarioData.Gamma);
            await Expect(desk.Page.Locator("#audit-chain")).ToContainTextAsync("Events unaltered:");
            // Gamma's 19 touchpoints, all in the past.
            await Expect(desk.Card("Touchpoints counted")).ToHaveTextAsync("19");
        });
    }

    [Fact]
    public async Task a_desk_key_that_may_not_read_audits_is_offered_no_audit_link()
    {
        var deskOnly = await app.KeyWithRoles("desk");
        await app.WithDesk(nameof(a_desk_key_that_may_not_read_audits_is_offered_no_audit_link), async desk =>
        {
            await desk.EnterKey(deskOnly);
            // The link is offered once the key's rights are known.
            await desk.Page.RunAndWaitForResponseAsync(() => desk.Open(ScenarioData.GammaName), "**/api/keys/me");
            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);

            await Expect(desk.Page.GetByRole(AriaRole.Link, new() { Name = "Audit this customer" })).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task every_customers_chain_is_checked_from_the_page()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(every_customers_chain_is_checked_from_the_page), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Check every customer's chain" }).ClickAsync();

            await Expect(desk.Page.Locator("#log-check")).ToContainTextAsync("No stream altered:");
            // Every customer's stream, and the service's own (formulas, models).
            await Expect(desk.Page.Locator("#log-check")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d+ streams, \d+ events checked, \d+ not sealed yet"));
            var streams = int.Parse((await desk.Page.Locator("#log-check").InnerTextAsync()).Split(':')[1].Trim().Split(' ')[0]);
            streams.ShouldBeGreaterThanOrEqualTo(ScenarioData.Customers);
            await Expect(desk.Page.GetByRole(AriaRole.List, new() { Name = "Altered streams" }).Locator("li")).ToHaveCountAsync(0);
        }, path: "/audit.html");
    }

    [Fact]
    public async Task an_anchor_taken_on_the_page_holds_and_one_with_another_digest_does_not()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(an_anchor_taken_on_the_page_holds_and_one_with_another_digest_does_not), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            await page.GetByRole(AriaRole.Button, new() { Name = "Take an anchor" }).ClickAsync();
            var shown = page.GetByLabel("The anchor taken");
            await Expect(shown).ToContainTextAsync("\"digest\"");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download it" })).ToBeVisibleAsync();
            var anchor = await shown.InnerTextAsync();

            var kept = page.GetByLabel("An anchor kept earlier (its JSON)");
            var check = page.GetByRole(AriaRole.List, new() { Name = "Anchor check" });
            // Opened from the file it was kept in, as the page offered to download it.
            await page.GetByLabel("An anchor file kept earlier").SetInputFilesAsync(new FilePayload
            {
                Name = "eventcrm-anchor.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(anchor),
            });
            await Expect(kept).ToHaveValueAsync(anchor);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the seals against it" }).ClickAsync();
            await Expect(check).ToContainTextAsync("default: the ");
            await Expect(check).ToContainTextAsync("are unchanged.");

            var digest = System.Text.Json.Nodes.JsonNode.Parse(anchor)!["databases"]![0]!["digest"]!.GetValue<string>();
            var other = (digest[0] == '0' ? '1' : '0') + digest[1..];
            await kept.FillAsync(anchor.Replace(digest, other));
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the seals against it" }).ClickAsync();
            await Expect(check).ToContainTextAsync("changed");
            await Expect(page.Locator("#status")).ToHaveTextAsync("The anchor does not hold: sealed history changed.");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task an_anchor_beyond_what_is_sealed_is_not_checked_rather_than_called_changed()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(an_anchor_beyond_what_is_sealed_is_not_checked_rather_than_called_changed), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            await page.GetByRole(AriaRole.Button, new() { Name = "Take an anchor" }).ClickAsync();
            var shown = page.GetByLabel("The anchor taken");
            await Expect(shown).ToContainTextAsync("\"digest\"");
            var anchor = System.Text.Json.Nodes.JsonNode.Parse(await shown.InnerTextAsync())!;
            // As taken on a copy whose sealer had gone a million events further.
            var sealedThrough = anchor["databases"]![0]!["sequence"]!.GetValue<long>();
            anchor["databases"]![0]!["sequence"] = sealedThrough + 1_000_000;

            await page.GetByLabel("An anchor kept earlier (its JSON)").FillAsync(anchor.ToJsonString());
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the seals against it" }).ClickAsync();

            var check = page.GetByRole(AriaRole.List, new() { Name = "Anchor check" });
            await Expect(check).ToContainTextAsync($"default: not checked. Not sealed that far yet: sealed through ");
            await Expect(check).ToContainTextAsync($"the anchor is at {sealedThrough + 1_000_000}.");
            await Expect(check).Not.ToContainTextAsync("changed");
            await Expect(page.Locator("#status")).ToHaveTextAsync("The anchor cannot be checked yet: the seals have not reached it.");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task a_new_formula_version_is_registered_and_every_customer_replayed_under_it()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_new_formula_version_is_registered_and_every_customer_replayed_under_it), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("New version of").SelectOptionAsync("simple-clv");
            // The parameters named in words, as the figures' basis names them (until 2026-12-06 "averageOrderValue").
            await page.GetByLabel("Average order value", new() { Exact = true }).FillAsync("100");
            await page.GetByLabel("Purchases per year", new() { Exact = true }).FillAsync("4");
            await page.GetByLabel("Lifetime years", new() { Exact = true }).FillAsync("5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Register this version" }).ClickAsync();
            await Expect(page.Locator("#status")).ToContainTextAsync("registered (not put in force)");
            var version = (await page.Locator("#status").InnerTextAsync()).Split(' ')[0];
            await Expect(page.GetByLabel("Replay under")).ToHaveValueAsync(version);
            // A second click registers no copy: the service answers the version holding these parameters.
            var versions = await page.GetByLabel("Replay under").Locator("option").AllInnerTextsAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Register this version" }).ClickAsync();
            await Expect(page.Locator("#status")).ToHaveTextAsync($"{version} already holds these parameters: nothing new registered.");
            (await page.GetByLabel("Replay under").Locator("option").AllInnerTextsAsync()).ShouldBe(versions);
            await Expect(page.GetByLabel("Replay under")).ToHaveValueAsync(version);

            await page.GetByRole(AriaRole.Button, new() { Name = "Replay every customer" }).ClickAsync();
            await Expect(page.Locator("#replay-summary")).ToContainTextAsync($"of {ScenarioData.Customers} customers differ from the live values (retention-ltv@0)");
            // Every input given: 100 x 4 x 5 = 2,000 for a customer still there, nothing for one who left.
            var replayed = await page.GetByRole(AriaRole.Table, new() { Name = $"Current value under {version} against the live values" })
                .Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
            replayed.Count.ShouldBe(10);
            replayed.ShouldAllBe(value => value == "2,000.00" || value == "0.00");
            replayed.ShouldContain("2,000.00");
            // Each customer named over its id (every seeded one has a name), and the table still inside the page at 1366 px.
            var firstCustomer = page.Locator("#replay-diff tbody tr").First.Locator("td").First;
            await Expect(firstCustomer.Locator(".customer-id")).ToHaveTextAsync((await page.Locator("#replay-diff tbody tr").First.GetAttributeAsync("data-customer"))!);
            (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(1366, "the page scrolls sideways");
            await Expect(desk.Error).ToBeHiddenAsync();

            // The replay is listed, its differences open again, and deleting it takes it off the list.
            var made = page.GetByRole(AriaRole.List, new() { Name = "Replays made" }).Locator("li", new() { HasText = version });
            await Expect(made).ToContainTextAsync($"{version} as of ");
            await Expect(made).ToContainTextAsync("completed");
            await page.Locator("#replay-diff").EvaluateAsync("diff => diff.replaceChildren()");
            await made.GetByRole(AriaRole.Button, new() { NameRegex = new("^Differences of ") }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Table, new() { Name = $"Current value under {version} against the live values" })).ToBeVisibleAsync();
            await made.GetByRole(AriaRole.Button, new() { NameRegex = new("^Delete ") }).ClickAsync();
            await made.GetByRole(AriaRole.Button, new() { Name = "Yes, delete it" }).ClickAsync();
            await Expect(made).ToHaveCountAsync(0);
            await Expect(page.Locator("#status")).ToContainTextAsync("deleted");
            (await app.Api.GetStringAsync($"/api/replays?formula={version}")).ShouldContain("\"total\":0");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task text_that_is_not_an_anchor_is_explained()
    {
        await app.WithDesk(nameof(text_that_is_not_an_anchor_is_explained), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.AuditPageRead();
            var page = desk.Page;
            await page.GetByLabel("An anchor kept earlier (its JSON)").FillAsync("{\"databases\": [{\"database\": \"default\"}]}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Check the seals against it" }).ClickAsync();

            await Expect(desk.Error).ToContainTextAsync("The request is invalid (400)");
            await Expect(desk.Error).ToContainTextAsync("databases[0].digest");
            (await desk.Error.InnerTextAsync()).ShouldContain("databases[0].sequence");
        }, path: "/audit.html");
    }
}
