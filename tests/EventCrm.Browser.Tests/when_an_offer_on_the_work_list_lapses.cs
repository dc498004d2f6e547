using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The work list is read every 30 s, and the service lists an offer as open for up to 5 minutes after its
/// end, while its expiry is recorded: at the end itself, by the service's clock, the entry says the offer
/// lapsed, in its place, and the list is read again a few seconds later. The list is the test's own
/// (answered through a route, which counts the readings), dated, like every answer, by the page's clock
/// (<see cref="ServiceClock"/>); the service keeps listing the lapsed offer.
/// </summary>
public class when_an_offer_on_the_work_list_lapses(BrowserFixture app)
{
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private DateTimeOffset Lapses => _start.AddMinutes(10);
    private const string Lapsing = "Lapsing Client", Later = "Later Client", Assessed = "Assessed Client";
    /// <summary>The list's order, the service's (the offer ending first, first): it stays so as the offer lapses.</summary>
    private static readonly Regex[] InOrder = [new(Lapsing), new(Later), new(Assessed)];

    [Fact]
    public async Task the_entry_says_so_at_once_in_its_place_and_the_list_is_read_again_with_the_keyboard_where_it_was()
    {
        await app.WithDesk(nameof(the_entry_says_so_at_once_in_its_place_and_the_list_is_read_again_with_the_keyboard_where_it_was), async desk =>
        {
            var readings = await AListOfItsOwn(desk);
            var entries = Entries(desk);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(entries).ToHaveTextAsync(InOrder);
            var lapsing = entries.First;
            await lapsing.FocusAsync();

            await desk.JumpTo(Lapses - TimeSpan.FromSeconds(1));   // the 30 s reading, due meanwhile, is sent once
            await desk.AnswersRead();
            await Expect(lapsing).ToContainTextAsync(" until ");
            var before = readings();

            await desk.RunFor(1_000);

            await Expect(lapsing).ToContainTextAsync(" lapsed at ");
            await Expect(lapsing).ToContainTextAsync(", expiry being recorded");
            readings().ShouldBe(before, "the entry was marked by a reading, not at the offer's end");
            await Expect(lapsing).ToBeFocusedAsync();
            await Expect(entries).ToHaveTextAsync(InOrder);
            await Expect(entries.Nth(1)).ToContainTextAsync(" until ");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"Offer lapsed, its expiry being recorded: {Lapsing}.");

            await desk.RunFor(3_000);
            await desk.AnswersRead();

            readings().ShouldBe(before + 1);
            // The service still lists the offer as open: by its clock it has lapsed, and the entry says so.
            await Expect(lapsing).ToContainTextAsync(" lapsed at ");
            await Expect(lapsing).ToBeFocusedAsync();
            await Expect(entries.Nth(1)).ToContainTextAsync(" until ");

            // Short of the next 30 s reading: the lapse is not read again and again.
            await desk.RunFor(20_000);
            await desk.AnswersRead();
            readings().ShouldBe(before + 1);
        });
    }

    [Fact]
    public async Task a_reading_on_its_way_at_the_lapse_is_the_one_shown_and_no_other_is_sent()
    {
        await app.WithDesk(nameof(a_reading_on_its_way_at_the_lapse_is_the_one_shown_and_no_other_is_sent), async desk =>
        {
            var (held, release) = (new TaskCompletionSource(), new TaskCompletionSource());
            var readings = await AListOfItsOwn(desk, hold: (held, release));
            var entries = Entries(desk);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(entries).ToHaveCountAsync(3);

            // The 30 s reading, due as the clock jumps, is held on its way past the offer's end and the few seconds after.
            await desk.JumpTo(Lapses - TimeSpan.FromSeconds(1));
            await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var sent = readings();
            await desk.Page.Clock.RunForAsync(1_000);
            await Expect(entries.First).ToContainTextAsync(" lapsed at ");
            await desk.Page.Clock.RunForAsync(5_000);
            readings().ShouldBe(sent, "a second reading was sent while one was on its way");

            release.SetResult();
            await desk.AnswersRead();
            await Expect(entries.First).ToContainTextAsync(" lapsed at ");
            await desk.RunFor(10_000);
            await desk.AnswersRead();
            readings().ShouldBe(sent);
        });
    }

    [Fact]
    public async Task the_open_clients_offer_lapsing_with_it_is_told_first_and_neither_hides_the_other()
    {
        const string open = "ordinary-10";
        await app.WithDesk(nameof(the_open_clients_offer_lapsing_with_it_is_told_first_and_neither_hides_the_other), async desk =>
        {
            await AListOfItsOwn(desk);
            await desk.Page.RouteAsync($"**/api/customers/{open}/retention", async route =>
                await route.FulfillAsync(FakeAnswers.Retention(open, "offer-made", offerEnds: Lapses)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open("Ordinary Customer 10");
            await Expect(desk.Retention.Locator(".time-left")).ToBeVisibleAsync();

            await desk.JumpTo(Lapses - TimeSpan.FromSeconds(1));
            await desk.AnswersRead();
            await desk.RunFor(1_000);

            await Expect(desk.Retention).ToContainTextAsync("Offer lapsed");
            await Expect(Entries(desk).First).ToContainTextAsync(" lapsed at ");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync(
                $"The offer has lapsed: it can no longer be accepted or declined. Offer lapsed, its expiry being recorded: {Lapsing}.");
        });
    }

    private static ILocator Entries(Desk desk) =>
        desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" }).GetByRole(AriaRole.Button);

    /// <summary>
    /// The page's clock at the real time, and a work list of three: an offer ending at <see cref="Lapses"/>, one two
    /// hours later, a request without an offer. Counts the readings; when asked to hold one, the second (the first
    /// after the one made as the key is entered) waits for its release.
    /// </summary>
    private async Task<Func<int>> AListOfItsOwn(Desk desk, (TaskCompletionSource Held, TaskCompletionSource Release)? hold = null)
    {
        await desk.InstallServiceClock();
        var count = 0;
        await desk.Page.RouteAsync("**/api/retention/pending*", async route =>
        {
            if (Interlocked.Increment(ref count) == 2 && hold is { } h)
            {
                h.Held.TrySetResult();
                await h.Release.Task;
            }
            var items = new JsonArray(
                Entry("lapsing-client", Lapsing, Offer("lapsing-client", Lapses)),
                Entry("later-client", Later, Offer("later-client", Lapses.AddHours(2))),
                Entry("assessed-client", Assessed, null));
            await route.FulfillAsync(new()
            {
                Status = 200, ContentType = "application/json", Headers = new Dictionary<string, string> { ["date"] = await desk.ServiceDate() },
                Body = new JsonObject { ["page"] = 1, ["pageSize"] = 50, ["total"] = 3, ["items"] = items }.ToJsonString(),
            });
        });
        return () => Volatile.Read(ref count);
    }

    private JsonObject Entry(string id, string name, JsonObject? offer) => new()
    {
        ["customerId"] = id, ["name"] = name, ["requestedAt"] = _start.AddHours(-1).ToString("O"), ["reason"] = "price",
        ["decision"] = offer is null ? "no-offer" : "offer-made", ["offer"] = offer, ["currentValue"] = 5000m,
    };

    private static JsonObject Offer(string id, DateTimeOffset expiresAt) => new()
    {
        ["offerId"] = $"offer:{id}", ["amount"] = 100m, ["cost"] = 100m, ["expiresAt"] = expiresAt.ToString("O"),
    };
}
