using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

public class when_the_service_refuses(BrowserFixture app)
{
    [Fact]
    public async Task the_key_is_asked_for_first_and_kept_for_the_session()
    {
        await app.WithDesk(nameof(the_key_is_asked_for_first_and_kept_for_the_session), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Page.ReloadAsync();

            await desk.Open(ScenarioData.GammaName);
            await Expect(desk.KeyDialog).ToBeHiddenAsync();
        });
    }

    [Fact]
    public async Task an_unknown_key_is_explained_and_asked_for_again()
    {
        await app.WithDesk(nameof(an_unknown_key_is_explained_and_asked_for_again), async desk =>
        {
            // The page's first call (the work list) tells at once that the key is refused.
            await desk.KeyDialog.GetByLabel("API key").FillAsync("not-a-key");
            await desk.KeyDialog.GetByLabel("API key").PressAsync("Enter");

            await Expect(desk.KeyDialog).ToBeVisibleAsync();
            await Expect(desk.KeyDialog).ToContainTextAsync("The service refused the key: The API key is unknown or revoked.");
            await desk.EnterKey(BrowserFixture.AdminKey);
            // The refused call is made again with the new key.
            await Expect(desk.Page.Locator("#worklist-count")).ToContainTextAsync("cancel");
            await desk.Search("gamma");
            await Expect(desk.Results).ToContainTextAsync(ScenarioData.GammaName);
        });
    }

    /// <summary>The refusal was said above the field, which stayed aria-invalid="false" and described by nothing (until 2026-12-07).</summary>
    [Fact]
    public async Task a_refused_key_marks_its_field_described_by_the_refusal()
    {
        await app.WithDesk(nameof(a_refused_key_marks_its_field_described_by_the_refusal), async desk =>
        {
            var field = desk.KeyDialog.GetByLabel("API key");
            await field.FillAsync("not-a-key");
            await field.PressAsync("Enter");

            await Expect(desk.KeyDialog).ToContainTextAsync("The service refused the key: The API key is unknown or revoked.");
            await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(field).ToHaveAccessibleDescriptionAsync("The service refused the key: The API key is unknown or revoked.");

            // A key asked for anew, not refused, is no error.
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Change API key" }).ClickAsync();
            await Expect(field).ToHaveAttributeAsync("aria-invalid", "false");
            await Expect(field).ToHaveAccessibleDescriptionAsync("");
        });
    }

    [Fact]
    public async Task a_key_without_the_right_role_shows_the_services_problem()
    {
        var ingestOnly = await app.KeyWithRoles("ingest");
        await app.WithDesk(nameof(a_key_without_the_right_role_shows_the_services_problem), async desk =>
        {
            await desk.EnterKey(ingestOnly);
            await desk.Search("gamma");

            await Expect(desk.Error).ToContainTextAsync("Search: Forbidden (403)");
            await Expect(desk.Error).ToContainTextAsync("This API key's roles do not allow this request.");
        });
    }

    [Fact]
    public async Task an_unknown_customer_shows_the_services_problem()
    {
        await app.WithDesk(nameof(an_unknown_customer_shows_the_services_problem), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Error).ToContainTextAsync("Not found (404)");
            await Expect(desk.Error).ToContainTextAsync("No customer 'nobody-here'.");
        }, path: "/#customer=nobody-here");
    }

    [Fact]
    public async Task an_unknown_customer_opened_after_another_leaves_nothing_of_the_one_before()
    {
        await app.WithDesk(nameof(an_unknown_customer_opened_after_another_leaves_nothing_of_the_one_before), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Page.EvaluateAsync("() => { location.hash = 'customer=does-not-exist'; }");

            await Expect(desk.Error).ToContainTextAsync("No customer 'does-not-exist'.");
            await Expect(desk.CustomerTitle).ToHaveTextAsync("No customer open");
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" })).ToBeHiddenAsync();
            await Expect(desk.Page.Locator("#customer-body")).ToBeHiddenAsync();
        });
    }

    [Fact]
    public async Task a_database_out_for_a_moment_is_waited_for_as_the_service_asks()
    {
        await app.WithDesk(nameof(a_database_out_for_a_moment_is_waited_for_as_the_service_asks), async desk =>
        {
            var refused = 0;
            await desk.Page.RouteAsync("**/api/retention/pending*", async route =>
            {
                if (Interlocked.Increment(ref refused) > 1)
                {
                    await route.ContinueAsync();
                    return;
                }
                await route.FulfillAsync(new()
                {
                    Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    Body = """{"title":"Service unavailable","status":503,"detail":"The database is unavailable."}""",
                });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("The service is unavailable for a moment: the page reads what it shows again in 1 s… Nothing is sent again by itself.");
            await Expect(desk.Page.Locator("#worklist-count")).ToContainTextAsync("asking to cancel");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("The service answers again.");
            await Expect(desk.Error).ToBeHiddenAsync();
        });
    }

    [Fact]
    public async Task a_database_out_for_longer_is_shown_once_the_page_stops_asking()
    {
        await app.WithDesk(nameof(a_database_out_for_longer_is_shown_once_the_page_stops_asking), async desk =>
        {
            var asked = 0;
            await desk.Page.RouteAsync("**/api/retention/pending*", route =>
            {
                Interlocked.Increment(ref asked);
                return route.FulfillAsync(new()
                {
                    Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    Body = """{"title":"Service unavailable","status":503,"detail":"The database is unavailable."}""",
                });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Error).ToContainTextAsync("Work list: Service unavailable (503)", new() { Timeout = 15_000 });
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("The service is still unavailable: try again later.");
            asked.ShouldBe(4);   // the first answer and three more after Retry-After
        });
    }

    [Fact]
    public async Task each_part_that_fails_says_so_in_its_own_entry()
    {
        await app.WithDesk(nameof(each_part_that_fails_says_so_in_its_own_entry), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/timeline*", route => route.FulfillAsync(new()
            {
                Status = 500, ContentType = "application/problem+json", Body = """{"title":"Timeline broke","status":500}""",
            }));
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value", route => route.FulfillAsync(new()
            {
                Status = 422, ContentType = "application/problem+json", Body = """{"title":"Cannot be computed","status":422,"detail":"The formula overflowed."}""",
            }));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await desk.Page.GotoAsync(new Uri(desk.BaseAddress, $"/#customer={ScenarioData.Gamma}").ToString());

            await Expect(desk.Error).ToContainTextAsync("Timeline: Timeline broke (500)");
            await Expect(desk.Error).ToContainTextAsync("Value: Cannot be computed (422)");
            await desk.Error.Locator(".error-entry", new() { HasText = "Value:" }).GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
            await Expect(desk.Error).Not.ToContainTextAsync("Value:");
            await Expect(desk.Error).ToContainTextAsync("Timeline: Timeline broke (500)");
        });
    }
}
