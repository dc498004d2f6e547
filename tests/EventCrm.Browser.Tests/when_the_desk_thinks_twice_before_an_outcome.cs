using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An outcome is an event, never undone: a misclick on "Decline offer" would churn a client worth
/// keeping. Each outcome button asks first, in its place; only the confirm records, once.
/// </summary>
public class when_the_desk_thinks_twice_before_an_outcome(BrowserFixture app)
{
    [Fact]
    public async Task decline_asks_first_and_keep_deciding_records_nothing_and_gives_the_keyboard_back()
    {
        const string client = "ordinary-14", name = "Ordinary Customer 14";
        var amount = await AnOfferFor(client);
        var before = await app.EventTypesOf(client);

        await app.WithDesk(nameof(decline_asks_first_and_keep_deciding_records_nothing_and_gives_the_keyboard_back), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await OpenWithItsOffer(desk, name);

            await desk.Outcome("Decline offer").PressAsync("Enter");

            await Expect(desk.Question).ToContainTextAsync($"Decline the offer of {amount} for {name}? The client will be recorded as churned.");
            await Expect(desk.Question.Locator("p")).ToBeFocusedAsync();
            // One decision at a time: the outcome buttons give their place to the question.
            await Expect(desk.Outcome("Accept offer")).ToBeHiddenAsync();
            await desk.KeepDeciding.ClickAsync();

            await Expect(desk.Question).ToHaveCountAsync(0);
            await Expect(desk.Outcome("Decline offer")).ToBeFocusedAsync();
            await Expect(desk.State).ToHaveTextAsync("Cancellation requested");
            posted().ShouldBe(0);
        });
        (await app.EventTypesOf(client)).ShouldBe(before);
    }

    [Fact]
    public async Task escape_takes_the_question_back_from_its_confirm_and_records_nothing()
    {
        const string client = "ordinary-16", name = "Ordinary Customer 16";
        await AnOfferFor(client);
        var before = await app.EventTypesOf(client);

        await app.WithDesk(nameof(escape_takes_the_question_back_from_its_confirm_and_records_nothing), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await OpenWithItsOffer(desk, name);
            await desk.Outcome("Decline offer").PressAsync("Enter");
            await desk.Page.Keyboard.PressAsync("Tab");
            await Expect(desk.Confirm).ToBeFocusedAsync();

            await desk.Page.Keyboard.PressAsync("Escape");

            await Expect(desk.Question).ToHaveCountAsync(0);
            await Expect(desk.Outcome("Decline offer")).ToBeFocusedAsync();
            posted().ShouldBe(0);
        });
        (await app.EventTypesOf(client)).ShouldBe(before);
    }

    [Fact]
    public async Task only_the_confirm_records_and_double_clicks_record_once()
    {
        const string client = "ordinary-18", name = "Ordinary Customer 18";
        await AnOfferFor(client);
        var before = await app.EventTypesOf(client);

        await app.WithDesk(nameof(only_the_confirm_records_and_double_clicks_record_once), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await OpenWithItsOffer(desk, name);

            // The second click of a double click on Decline lands on the question's words, not on its confirm.
            await desk.Outcome("Decline offer").DblClickAsync();
            await Expect(desk.Question).ToBeVisibleAsync();
            posted().ShouldBe(0);
            await desk.Confirm.DblClickAsync();

            await Expect(desk.State).ToHaveTextAsync("Churned");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Offer declined.");
            await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            await Expect(desk.Error).ToBeHiddenAsync();
            posted().ShouldBe(1);
        });
        (await app.EventTypesOf(client)).ShouldBe([.. before, "retention-offer-declined"]);
    }

    [Fact]
    public async Task a_question_goes_with_the_panel_read_again_meanwhile()
    {
        const string client = "ordinary-22", name = "Ordinary Customer 22";
        await AnOfferFor(client);
        var before = await app.EventTypesOf(client);
        var held = new TaskCompletionSource();
        var asked = new TaskCompletionSource();
        var holding = false;

        await app.WithDesk(nameof(a_question_goes_with_the_panel_read_again_meanwhile), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", async route =>
            {
                if (holding)
                {
                    asked.TrySetResult();
                    await held.Task;
                }
                await route.ContinueAsync();
            });
            await OpenWithItsOffer(desk, name);

            // A refresh is on its way (the user's, or the one after a change) when the desk presses Decline.
            holding = true;
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await desk.Outcome("Decline offer").PressAsync("Enter");
            await Expect(desk.Question.Locator("p")).ToBeFocusedAsync();
            held.SetResult();

            // What the question was about was read again: it is not there to be confirmed any more.
            await Expect(desk.Question).ToHaveCountAsync(0);
            await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            await Expect(desk.Outcome("Decline offer")).ToBeVisibleAsync();
            posted().ShouldBe(0);
        });
        (await app.EventTypesOf(client)).ShouldBe(before);
    }

    /// <summary>The client asks to cancel and the service makes an offer: its amount, as the page writes it in English.</summary>
    private async Task<string> AnOfferFor(string client)
    {
        var offer = await app.OfferMadeTo(client);
        return offer["amount"]!.GetValue<decimal>().ToString("N2", CultureInfo.GetCultureInfo("en-US"));
    }

    private static async Task OpenWithItsOffer(Desk desk, string name)
    {
        await desk.EnterKey(BrowserFixture.AdminKey);
        await desk.Open(name);
        await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer");
    }
}
