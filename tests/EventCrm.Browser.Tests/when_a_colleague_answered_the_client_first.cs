using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Two desks work the same list. A client with no offer is shown asking to cancel; meanwhile a colleague records
/// that it stays. "Let the client go" records a plain churn, which the service takes for any client: sent, it
/// would churn a client who has just been kept. The page makes sure first, and tells the desk instead.
/// </summary>
public class when_a_colleague_answered_the_client_first(BrowserFixture app)
{
    // A seeded client nobody else's scenario opens; its retention and the churn are answered in the service's place.
    private const string Client = "ordinary-12", Name = "Ordinary Customer 12";

    [Fact]
    public async Task letting_the_client_go_records_nothing_and_says_it_stays_now()
    {
        await app.WithDesk(nameof(letting_the_client_go_records_nothing_and_says_it_stays_now), async desk =>
        {
            var colleagueKeptIt = false;
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(colleagueKeptIt
                ? FakeAnswers.Json(new JsonObject { ["customerId"] = Client, ["state"] = "active", ["pending"] = null })
                : FakeAnswers.Retention(Client, "no-offer")));
            var churnsSent = 0;
            await desk.Page.RouteAsync("**/api/touchpoints", route =>
            {
                Interlocked.Increment(ref churnsSent);
                return route.FulfillAsync(FakeAnswers.Json(new JsonObject { ["appended"] = 1 }));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer");

            await desk.Outcome("Let the client go").ClickAsync();
            colleagueKeptIt = true;   // at another desk, while this one reads the question
            await desk.Confirm.ClickAsync();

            await Expect(desk.Error).ToContainTextAsync("Recording the outcome: Decided meanwhile (409)");
            await Expect(desk.Error).ToContainTextAsync($"{Name} is no longer asking to cancel (now active): an outcome was recorded meanwhile");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Outcome("Let the client go")).ToHaveCountAsync(0);
            await Expect(desk.Page.Locator("#status")).Not.ToContainTextAsync("Departure recorded");
            Volatile.Read(ref churnsSent).ShouldBe(0, "a churn was sent for a client who stays");
        });
    }
}
