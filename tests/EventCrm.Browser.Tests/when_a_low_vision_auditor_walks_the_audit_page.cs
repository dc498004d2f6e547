using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An auditor who reads at 200 % zoom (640 CSS px wide, 360 high) or 400 % (320 px) with a screen reader, on the audit
/// page. Before 2026-12-08 a refusal of the value form showed at the page's top only, 836 px above the form, with the
/// keyboard on an empty heading; after a customer was picked the page scrolled to the answers and left the keyboard on the
/// id, off screen above; an unknown customer was said three times; an altered event was named but not marked.
/// </summary>
public class when_a_low_vision_auditor_walks_the_audit_page(BrowserFixture app)
{
    private const int Zoomed = 640, ZoomedHeight = 360;
    private const string ShowIt = "Show the value and check the events";

    [Fact]
    public async Task an_unknown_customer_is_refused_once_beside_the_form_and_its_id_takes_the_keyboard()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(an_unknown_customer_is_refused_once_beside_the_form_and_its_id_takes_the_keyboard), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            var id = page.GetByLabel("Customer id");
            await id.FillAsync("nobody-123");
            await page.GetByRole(AriaRole.Button, new() { Name = ShowIt }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");

            var refusal = page.Locator("#audit-refusal");
            await Expect(refusal).ToHaveTextAsync("Nothing shown: No customer 'nobody-123'.");
            await Expect(id).ToBeFocusedAsync();
            await Expect(id).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(id).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^Nothing shown: No customer 'nobody-123'\\. Filled in by picking"));
            await Expect(id).ToBeInViewportAsync();
            await Expect(refusal).ToBeInViewportAsync();
            // No heading over nothing, and one message for the one refusal (the three reads failed alike).
            await Expect(page.Locator("#audit-answer-title")).ToBeHiddenAsync();
            await Expect(desk.Error.Locator(".error-entry")).ToHaveCountAsync(1);
            await Expect(desk.Error.GetByRole(AriaRole.Button, new() { Name = "Dismiss" })).ToHaveCountAsync(1);
            await Expect(page.Locator("#error-said")).ToHaveTextAsync("Value at the date, Check of the events, Value history: Not found. No customer 'nobody-123'.");

            // A customer the service knows: the mark and the refusal go.
            await id.FillAsync(ScenarioData.Gamma);
            await page.GetByRole(AriaRole.Button, new() { Name = ShowIt }).ClickAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(id).ToHaveAttributeAsync("aria-invalid", "false");
            await Expect(refusal).ToBeHiddenAsync();
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html", width: Zoomed, height: ZoomedHeight);
    }

    [Fact]
    public async Task a_date_to_come_is_refused_beside_the_form_and_its_field_takes_the_keyboard()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_date_to_come_is_refused_beside_the_form_and_its_field_takes_the_keyboard), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            var asOf = page.GetByLabel("As of (business date)");
            await asOf.FillAsync(DateTime.UtcNow.Date.AddYears(3).ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = ShowIt }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");

            var refusal = page.Locator("#audit-refusal");
            var refused = new System.Text.RegularExpressions.Regex("^Value at the date not shown: the “As of” date must not be after today \\(.*\\): values are known up to now\\.$");
            await Expect(refusal).ToHaveTextAsync(refused);
            await Expect(asOf).ToBeFocusedAsync();
            await Expect(asOf).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(asOf).ToHaveAccessibleDescriptionAsync(refused);
            await Expect(asOf).ToBeInViewportAsync();
            await Expect(refusal).ToBeInViewportAsync();
            await Expect(page.GetByLabel("Customer id")).ToHaveAttributeAsync("aria-invalid", "false");
        }, path: "/audit.html", width: Zoomed, height: ZoomedHeight);
    }

    [Fact]
    public async Task a_customer_picked_by_name_or_by_an_altered_streams_link_leaves_the_keyboard_where_the_answers_are()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_customer_picked_by_name_or_by_an_altered_streams_link_leaves_the_keyboard_where_the_answers_are), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync("**/api/audit/verify", route => route.FulfillAsync(FakeAnswers.Json(OneAlteredStream("default", touchpointId: null))));
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var box = page.GetByLabel("Find the customer by name or email");
            await box.FillAsync("gamma trad");
            await box.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Customers found" }).GetByRole(AriaRole.Button).First).ToContainTextAsync(ScenarioData.GammaName);
            await box.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("Enter");

            var heading = page.GetByRole(AriaRole.Heading, new() { Name = $"What the service answers for {ScenarioData.GammaName} ({ScenarioData.Gamma})" });
            await Expect(heading).ToBeFocusedAsync();
            await Expect(heading).ToBeInViewportAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Check every customer's chain" }).ClickAsync();
            await page.GetByRole(AriaRole.List, new() { Name = "Altered streams" }).GetByRole(AriaRole.Link).ClickAsync();
            var again = page.GetByRole(AriaRole.Heading, new() { Name = $"What the service answers for {ScenarioData.Gamma}" });
            await Expect(again).ToBeFocusedAsync();
            await Expect(again).ToBeInViewportAsync();
        }, path: "/audit.html", width: Zoomed, height: ZoomedHeight);
    }

    [Fact]
    public async Task an_altered_event_is_marked_in_the_history_and_said_under_the_figures()
    {
        var auditor = await app.KeyWithRoles("auditor");
        var history = JsonNode.Parse(await app.Api.GetStringAsync($"/api/customers/{ScenarioData.Gamma}/value-history", TestContext.Current.CancellationToken))!;
        var altered = history["points"]![2]!["touchpointId"]!.GetValue<string>();
        await app.WithDesk(nameof(an_altered_event_is_marked_in_the_history_and_said_under_the_figures), async desk =>
        {
            var page = desk.Page;
            // The service's own audit of Gamma, its fourth event said altered (nothing is altered in the seed).
            await page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/audit", async route =>
            {
                var response = await route.FetchAsync();
                var audit = JsonNode.Parse(await response.TextAsync())!.AsObject();
                var mismatch = new JsonObject { ["sequence"] = 16304, ["version"] = 4, ["touchpointId"] = altered, ["problem"] = "the event differs from its seal", ["database"] = "default" };
                audit["valid"] = false;
                audit["firstMismatch"] = mismatch;
                audit["mismatches"] = new JsonArray(mismatch.DeepClone());
                audit["mismatchCount"] = 1;
                await route.FulfillAsync(new() { Response = response, Body = audit.ToJsonString() });
            });
            await desk.EnterKey(auditor);
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Gamma);
            await page.GetByRole(AriaRole.Button, new() { Name = ShowIt }).ClickAsync();

            await Expect(page.Locator("#audit-chain")).ToContainTextAsync($"event 16304 (version 4, touchpoint {altered})");
            await Expect(page.Locator("#audit-figures-altered")).ToHaveTextAsync(
                "These figures include an altered event: they are worked out from the customer's events as they are now, " +
                $"event 16304 (version 4, touchpoint {altered}) among them, whose chain does not hold. They may not be what was recorded; " +
                "its row is marked “altered” in the history below.");
            var rows = page.Locator("#audit-history tbody tr");
            await Expect(rows.Nth(2).Locator("td").Nth(2)).ToContainTextAsync("altered: event 16304 does not match its seal");
            await Expect(page.Locator("#audit-history tbody tr", new() { HasText = "altered:" })).ToHaveCountAsync(1);
        }, path: "/audit.html");
    }

    [Fact]
    public async Task the_whole_logs_altered_stream_names_its_customer_and_touchpoint_and_no_sole_database()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_whole_logs_altered_stream_names_its_customer_and_touchpoint_and_no_sole_database), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync("**/api/audit/verify", route => route.FulfillAsync(FakeAnswers.Json(OneAlteredStream("default", "gamma-trading-0004"))));
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            await page.GetByRole(AriaRole.Button, new() { Name = "Check every customer's chain" }).ClickAsync();

            var list = page.GetByRole(AriaRole.List, new() { Name = "Altered streams" });
            await Expect(list.Locator("li")).ToHaveTextAsync(
                $"{ScenarioData.GammaName} ({ScenarioData.Gamma}): event 120, version 3, touchpoint gamma-trading-0004: the event differs from its seal");
            await Expect(list.GetByRole(AriaRole.Link, new() { Name = $"{ScenarioData.GammaName} ({ScenarioData.Gamma})" })).ToBeVisibleAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task the_replays_table_title_wraps_within_320_px()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_replays_table_title_wraps_within_320_px), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            var formula = await page.GetByLabel("Replay under").InputValueAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Replay every customer" }).ClickAsync();

            var table = page.GetByRole(AriaRole.Table, new() { Name = $"Current value under {formula} against the live values" });
            await Expect(table).ToBeVisibleAsync();
            var title = (await page.GetByText($"Current value under {formula} against the live values", new() { Exact = true }).BoundingBoxAsync()).ShouldNotBeNull();
            (title.X + title.Width).ShouldBeLessThanOrEqualTo(320f, "the table's title runs past the screen");
            // Its scroll box is reached by Tab and named.
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = $"Current value under {formula} against the live values" })).ToHaveAttributeAsync("tabindex", "0");
        }, path: "/audit.html", width: 320, height: 640);
    }

    [Fact]
    public async Task the_row_of_the_date_asked_and_the_scroll_boxes_are_said_not_only_shown()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_row_of_the_date_asked_and_the_scroll_boxes_are_said_not_only_shown), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByLabel("As of (business date)").FillAsync(app.SeededAt.AddDays(-400 + 150).UtcDateTime.ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = ShowIt }).ClickAsync();

            // Beta's call of day 125, the last touchpoint by day 150 (when_an_auditor_asks_what_a_customer_was_worth_on_a_date).
            var marked = page.Locator("#audit-history tr[aria-current='true']");
            await Expect(marked).ToHaveCountAsync(1);
            await Expect(marked.Locator("td").Nth(0)).ToHaveTextAsync($"{app.SeededAt.AddDays(-400 + 125).UtcDateTime:yyyy-MM-dd} – the date asked");
            var box = page.GetByRole(AriaRole.Region, new() { Name = "Value after each touchpoint under the formula in force when it was recorded" });
            await Expect(box).ToHaveAttributeAsync("tabindex", "0");

            await page.GetByRole(AriaRole.Button, new() { Name = "Take an anchor" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "The anchor taken" })).ToContainTextAsync("\"digest\"");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task the_key_given_the_keyboard_is_on_the_first_field_and_a_new_address_is_followed()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_key_given_the_keyboard_is_on_the_first_field_and_a_new_address_is_followed), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await Expect(page.GetByLabel("Find the customer by name or email")).ToBeFocusedAsync();
            await desk.AuditPageRead();

            // Each version said with what tells it apart: the built-in one in force now, its inputs estimated.
            var inForce = JsonNode.Parse(await app.Api.GetStringAsync("/api/formulas", TestContext.Current.CancellationToken))!["inForce"]!;
            var name = $"{inForce["name"]}@{inForce["version"]}";
            await Expect(page.GetByLabel("Formula", new() { Exact = true }).Locator($"option[value='{name}']"))
                .ToHaveTextAsync(new System.Text.RegularExpressions.Regex($@"^{System.Text.RegularExpressions.Regex.Escape(name)} \((built in|registered \d{{4}}-\d{{2}}-\d{{2}}), in force now; .+\)$"));

            await page.EvaluateAsync($"() => location.hash = 'customer={ScenarioData.Gamma}'");
            await Expect(page.GetByLabel("Customer id")).ToHaveValueAsync(ScenarioData.Gamma);
            await Expect(page.Locator("#audit-answer-title")).ToHaveTextAsync($"What the service answers for {ScenarioData.Gamma}");
        }, path: "/audit.html");
    }

    private static JsonObject OneAlteredStream(string database, string? touchpointId) => new()
    {
        ["valid"] = false, ["streams"] = 35, ["checked"] = 400, ["unsealed"] = 0, ["erased"] = 0,
        ["altered"] = new JsonArray(new JsonObject
        {
            ["customerId"] = ScenarioData.Gamma, ["database"] = database, ["routesTo"] = database,
            ["firstMismatch"] = new JsonObject { ["sequence"] = 120, ["version"] = 3, ["touchpointId"] = touchpointId, ["problem"] = "the event differs from its seal" },
        }),
    };
}
