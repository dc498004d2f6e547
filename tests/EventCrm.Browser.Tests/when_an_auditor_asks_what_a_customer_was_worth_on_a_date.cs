using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// "What was this customer worth on that date, under the formula of the time, and prove nothing was altered",
/// asked by an auditor who is no developer. The cards gave figures with "retention-ltv@0" under one; the
/// history below gave another figure for the same day without saying why; the check spoke of seals.
/// </summary>
public class when_an_auditor_asks_what_a_customer_was_worth_on_a_date(BrowserFixture app)
{
    [Fact]
    public async Task the_figures_say_which_date_knowledge_formula_model_and_unit_they_are_and_the_row_of_that_date_is_marked()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_figures_say_which_date_knowledge_formula_model_and_unit_they_are_and_the_row_of_that_date_is_marked), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            var asked = DateTime.UtcNow.Date.AddDays(-250);
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByLabel("As of (business date)").FillAsync(asked.ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            var english = System.Globalization.CultureInfo.GetCultureInfo("en-US");
            var basis = page.Locator("#audit-basis");
            await Expect(basis).ToContainTextAsync($"the value on {asked.ToString("MMM d, yyyy", english)}, 11:59 PM UTC, from everything recorded so far; " +
                "formula retention-ltv version 0 (in force now), each input estimated from the customer's own figures; portfolio model fitted ");
            await Expect(basis).ToContainTextAsync("Amounts are in the company's currency.");
            // retention-ltv's own arithmetic, and its inputs as the service used them: the 8% default discount rate, no acquisition cost (it is in the profit).
            var inputs = page.Locator("#audit-formula-inputs");
            await Expect(inputs).ToContainTextAsync("Formula: LTV = margin per period × r / (1 + i − r) − acquisition cost");
            await Expect(inputs).ToContainTextAsync("discount rate 0.08, acquisition cost 0.");

            // Beta by its day 150: signed up, bought on days 20 and 110, called on 35, 80 and 125. The call of day 125
            // is the last touchpoint by the date asked: its row, 60 + 45 of revenue, is the one marked.
            var marked = page.Locator("#audit-history tr.as-of-row");
            await Expect(marked).ToHaveCountAsync(1);
            await Expect(marked.Locator("td").Nth(0)).ToHaveTextAsync(app.SeededAt.AddDays(-400 + 125).UtcDateTime.ToString("yyyy-MM-dd") + " – the date asked");
            await Expect(marked.Locator("td").Nth(2)).ToHaveTextAsync("Support call");
            await Expect(marked.Locator("td").Nth(3)).ToHaveTextAsync("105.00");
            await Expect(page.Locator("#audit-history-note")).ToContainTextAsync("it can differ from the figures above, which use the formula in force and the model known now");

            await Expect(page.Locator("#audit-seals-explained")).ToBeVisibleAsync();
            await Expect(page.Locator("#audit-seals-explained")).ToContainTextAsync("An event changed, removed or slipped in afterwards no longer matches its seal.");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task what_was_reported_on_a_date_names_that_date_for_the_knowledge_and_the_formula()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(what_was_reported_on_a_date_names_that_date_for_the_knowledge_and_the_formula), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            var today = DateTime.UtcNow.Date.ToString("yyyy-MM-dd");
            await Expect(page.Locator("#value-at")).ToContainTextAsync("What was reported on a date, under the formula of the time: give that date in both.");
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByLabel("As of (business date)").FillAsync(today);
            await page.GetByLabel("As known at (recording date)").FillAsync(today);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            var english = System.Globalization.CultureInfo.GetCultureInfo("en-US");
            await Expect(page.Locator("#audit-basis")).ToContainTextAsync(
                $"from what was recorded by {DateTime.UtcNow.Date.ToString("MMM d, yyyy", english)}, 11:59 PM UTC; formula retention-ltv version 0 (in force at the end of {today})");
            await Expect(page.Locator("#audit-history-note")).ToContainTextAsync($"which use the formula and model of {today}");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task the_customer_field_says_it_wants_the_id_and_where_to_find_it()
    {
        await app.WithDesk(nameof(the_customer_field_says_it_wants_the_id_and_where_to_find_it), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            // Since 2026-12-06 the customer is found by name above it too (when_an_auditor_finds_a_customer_by_name).
            await Expect(desk.Page.GetByLabel("Customer id")).ToHaveAccessibleDescriptionAsync(
                "Filled in by picking a customer found above, by the desk's “Audit this customer” or by an altered stream's link under " +
                "“The whole log”; or type the id under the " +
                "customer's name on the desk (demo-000088, say).");
        }, path: "/audit.html");
    }
}
