using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An afternoon at the desk by keyboard: a work list of 50 clients stood between the top of the page and the search
/// box (50 Tab stops), an outcome recorded left no quick way to the next client, and "Let the client go", which
/// cannot be undone, was the filled main button beside the safe "Client stays".
/// </summary>
public class when_the_desk_works_through_its_list(BrowserFixture app)
{
    // Made up in the service's place (FakeAnswers): nothing is recorded for these clients.
    private static readonly (string, string)[] Fifty = [.. Enumerable.Range(1, 50).Select(n => ($"made-up-{n:00}", $"Made-up Client {n:00}"))];

    [Fact]
    public async Task the_search_is_one_link_away_from_the_top_however_long_the_work_list()
    {
        await app.WithDesk(nameof(the_search_is_one_link_away_from_the_top_however_long_the_work_list), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(FakeAnswers.WorkList(Fifty)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" }).GetByRole(AriaRole.Button)).ToHaveCountAsync(50);

            // From the page's first stop, the skip link to the customer, the next is the way to the search.
            await desk.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to the customer" }).FocusAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            await Expect(desk.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to the search" })).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.Page.GetByLabel("Name or email")).ToBeFocusedAsync();
        });
    }

    [Fact]
    public async Task after_an_outcome_the_next_client_of_the_work_list_is_one_key_away()
    {
        const string client = "ordinary-05", name = "Ordinary Customer 05", next = "Ordinary Customer 06";
        await app.WithDesk(nameof(after_an_outcome_the_next_client_of_the_work_list_is_one_key_away), async desk =>
        {
            var stays = false;
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(stays
                ? FakeAnswers.WorkList(("ordinary-06", next)) : FakeAnswers.WorkList((client, name), ("ordinary-06", next))));
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(stays
                ? FakeAnswers.Json(new JsonObject { ["customerId"] = client, ["state"] = "active", ["pending"] = null })
                : FakeAnswers.Retention(client, "no-offer")));
            await desk.Page.RouteAsync("**/api/touchpoints", route =>
            {
                stays = true;
                return route.FulfillAsync(FakeAnswers.Json(new JsonObject { ["appended"] = 1 }));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(name);

            await desk.Record("Client stays");
            await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Tab");

            var onward = desk.Page.GetByRole(AriaRole.Button, new() { Name = $"Next client asking to cancel: {next}" });
            await Expect(onward).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(desk.CustomerTitle).ToHaveTextAsync(next);
        });
    }

    /// <summary>
    /// "Next client asking to cancel" went with the panel it was in as the next client opened: the keyboard fell to the page's
    /// body and stayed there while the client was read (WCAG 2.4.3, until 2026-12-07). It waits on the customer's section.
    /// </summary>
    [Fact]
    public async Task the_keyboard_waits_on_the_customer_while_the_next_client_opens()
    {
        const string client = "ordinary-09", name = "Ordinary Customer 09", nextId = "ordinary-10", next = "Ordinary Customer 10";
        await app.WithDesk(nameof(the_keyboard_waits_on_the_customer_while_the_next_client_opens), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(FakeAnswers.WorkList((nextId, next))));
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(client, null)));
            var answerTheNext = new TaskCompletionSource();
            await desk.Page.RouteAsync($"**/api/customers/{nextId}", async route =>
            {
                await answerTheNext.Task;
                await route.FallbackAsync();
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(name);
            var onward = desk.Page.GetByRole(AriaRole.Button, new() { Name = $"Next client asking to cancel: {next}" });
            await onward.FocusAsync();

            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.CustomerTitle).ToHaveTextAsync($"Opening {next}…");
            await Expect(desk.Page.Locator("#customer")).ToBeFocusedAsync();
            answerTheNext.SetResult();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(next);
            await Expect(desk.Page.Locator("#customer")).ToBeFocusedAsync();
        });
    }

    [Fact]
    public async Task letting_a_client_go_is_outlined_and_the_client_staying_is_the_main_button()
    {
        const string client = "ordinary-07", name = "Ordinary Customer 07";
        await app.WithDesk(nameof(letting_a_client_go_is_outlined_and_the_client_staying_is_the_main_button), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(client, "no-offer")));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(name);

            const string Look = "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.borderTopColor]; }";
            var letGo = await desk.Outcome("Let the client go").EvaluateAsync<string[]>(Look);
            var stays = await desk.Outcome("Client stays").EvaluateAsync<string[]>(Look);
            // app.css: --accent #1f5fbf fills the main button; --bad #b3261e outlines the one that loses the client.
            stays[0].ShouldBe("rgb(31, 95, 191)");
            letGo.ShouldBe(["rgb(255, 255, 255)", "rgb(179, 38, 30)", "rgb(179, 38, 30)"]);
            ContrastRatio.Between(letGo[1], letGo[0]).ShouldBeGreaterThanOrEqualTo(4.5);
        });
    }
}
