using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An offer is open until its expiresAt, by the service's clock: the panel says how long is left, and
/// at that moment withdraws what would answer it (the service would refuse the answer), then reads the
/// panel again until the service has recorded the expiry. The page's clock is moved to the offer's last
/// hours, the service's as the page reads it along with it (<see cref="ServiceClock"/>): the service itself
/// still shows the offer open, as in the moments before its scheduled expiry is recorded.
/// </summary>
public class when_an_offer_lapses_while_the_desk_looks(BrowserFixture app)
{
    [Fact]
    public async Task the_panel_counts_down_then_withdraws_the_buttons_at_expiry_and_reads_the_panel_again()
    {
        const string client = "ordinary-24", name = "Ordinary Customer 24";
        var expiresAt = await AnOfferFor(client);
        var before = await app.EventTypesOf(client);

        await app.WithDesk(nameof(the_panel_counts_down_then_withdraws_the_buttons_at_expiry_and_reads_the_panel_again), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await OpenWithItsOffer(desk, name);
            var countdown = desk.Retention.Locator(".time-left");

            // 2 h 14 min 30 s before the end: the two largest whole units.
            await desk.JumpTo(expiresAt - new TimeSpan(2, 14, 30));
            await Expect(countdown).ToHaveTextAsync("expires in 2 h 14 min");
            await desk.JumpTo(expiresAt - TimeSpan.FromSeconds(40));
            await Expect(countdown).ToHaveTextAsync("expires in 40 s");

            await desk.Outcome("Accept offer").FocusAsync();
            await desk.JumpTo(expiresAt - TimeSpan.FromSeconds(1));
            await Expect(countdown).ToHaveTextAsync("expires in 1 s");
            await Expect(desk.Outcome("Accept offer")).ToBeFocusedAsync();

            var nextRead = ReadsOfTheRetention(desk.Page, client);
            await desk.RunFor(1_000);

            await Expect(desk.Outcome("Accept offer")).ToHaveCountAsync(0);
            await Expect(desk.Outcome("Decline offer")).ToHaveCountAsync(0);
            await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            await Expect(desk.Retention).ToContainTextAsync("Offer lapsed");
            // Offers other scenarios made moments before may lapse with it: the work list tells them after this one.
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync(new Regex(
                @"^The offer has lapsed: it can no longer be accepted or declined\.( Offer lapsed, its expiry being recorded: [^.]+\.)*$"));

            // A second later the panel is read again; the service has not recorded the expiry yet: nothing to press still.
            await desk.RunFor(1_000);
            await nextRead.WaitAsync(TimeSpan.FromSeconds(30));
            await Expect(desk.Retention).ToContainTextAsync("The service is recording its expiry");
            await Expect(desk.Retention.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
            posted().ShouldBe(0);
        });
        (await app.EventTypesOf(client)).ShouldBe(before);
    }

    [Fact]
    public async Task an_open_question_goes_at_expiry_and_the_keyboard_goes_to_the_heading()
    {
        const string client = "ordinary-23", name = "Ordinary Customer 23";
        var expiresAt = await AnOfferFor(client);
        var before = await app.EventTypesOf(client);

        await app.WithDesk(nameof(an_open_question_goes_at_expiry_and_the_keyboard_goes_to_the_heading), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await OpenWithItsOffer(desk, name);
            await desk.JumpTo(expiresAt - TimeSpan.FromSeconds(1));
            await desk.Outcome("Decline offer").PressAsync("Enter");
            await Expect(desk.Question.Locator("p")).ToBeFocusedAsync();

            await desk.RunFor(1_000);

            await Expect(desk.Question).ToHaveCountAsync(0);
            await Expect(desk.Outcome("Decline offer")).ToHaveCountAsync(0);
            await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            await Expect(desk.Retention).ToContainTextAsync("Offer lapsed");
            posted().ShouldBe(0);
        });
        (await app.EventTypesOf(client)).ShouldBe(before);
    }

    [Fact]
    public async Task a_countdown_stops_with_its_client_even_when_no_other_is_shown()
    {
        const string client = "ordinary-21", name = "Ordinary Customer 21";
        var expiresAt = await AnOfferFor(client);

        await app.WithDesk(nameof(a_countdown_stops_with_its_client_even_when_no_other_is_shown), async desk =>
        {
            await OpenWithItsOffer(desk, name);
            await desk.JumpTo(expiresAt - TimeSpan.FromSeconds(5));
            await Expect(desk.Retention.Locator(".time-left")).ToHaveTextAsync("expires in 5 s");

            // An id that cannot be opened (from the address, say): no panel is read to replace the offer's.
            await desk.Page.EvaluateAsync("location.hash = '#customer=nobody-of-that-id'");
            await Expect(desk.CustomerTitle).ToHaveTextAsync("No customer open");
            var reads = ReadsOfTheRetention(desk.Page, client);
            await desk.JumpTo(expiresAt + TimeSpan.FromSeconds(5));
            await desk.RunFor(2_000);

            await Expect(desk.Page.Locator("#status")).Not.ToHaveTextAsync("The offer has lapsed: it can no longer be accepted or declined.");
            await Expect(desk.Retention).ToBeEmptyAsync();
            reads.IsCompleted.ShouldBeFalse("the client no longer open was read again");
        });
    }

    /// <summary>The client asks to cancel and the service makes an offer: when it ends.</summary>
    private async Task<DateTimeOffset> AnOfferFor(string client)
    {
        var offer = await app.OfferMadeTo(client);
        return DateTimeOffset.Parse(offer["expiresAt"]!.GetValue<string>());
    }

    /// <summary>The page's clock is installed at the real time; every answer of the service is dated by it from then on.</summary>
    private static async Task OpenWithItsOffer(Desk desk, string name)
    {
        await desk.InstallServiceClock();
        await desk.EnterKey(BrowserFixture.AdminKey);
        await desk.Open(name);
        await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer");
    }

    /// <summary>Completes when the page next reads the client's retention panel.</summary>
    private static Task ReadsOfTheRetention(IPage page, string client)
    {
        var read = new TaskCompletionSource();
        page.Request += (_, request) =>
        {
            if (request.Method == "GET" && request.Url.EndsWith($"/api/customers/{client}/retention")) read.TrySetResult();
        };
        return read.Task;
    }
}
