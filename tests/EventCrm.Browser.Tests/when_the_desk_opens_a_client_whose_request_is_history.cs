using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A request to cancel imported with a client's history (recorded years after it happened) is never assessed. The panel
/// said "Assessing the request…" for ever and kept asking (until 2026-12-07); it says now that the request is history and
/// lets the desk record how it ended. The service's answer and the churn are given in its place: nothing is recorded.
/// </summary>
public class when_the_desk_opens_a_client_whose_request_is_history(BrowserFixture app)
{
    private const string Client = "ordinary-12", Name = "Ordinary Customer 12";
    private const string Why = "The request was recorded more than 7 days after it happened (Retention:RequestsAssessedWithin): it is history, " +
        "and the service makes no offer for it. Record how it ended: “The client left” or “Client stays” (the desk's buttons).";

    [Fact]
    public async Task the_panel_says_it_is_history_and_records_the_departure_naming_it()
    {
        await app.WithDesk(nameof(the_panel_says_it_is_history_and_records_the_departure_naming_it), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, "not-assessed", why: Why)));
            JsonNode? sent = null;
            await desk.Page.RouteAsync("**/api/touchpoints", route =>
            {
                sent = JsonNode.Parse(route.Request.PostData ?? "null");
                return route.FulfillAsync(FakeAnswers.Json(new JsonObject { ["appended"] = 1 }));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);

            await Expect(desk.Retention).ToContainTextAsync("Not assessed: a request from the history");
            await Expect(desk.Retention.Locator(".why")).ToHaveTextAsync($"Why: {Why}");
            await Expect(desk.Retention).Not.ToContainTextAsync("Assessing");
            await desk.Outcome("The client left").ClickAsync();
            await Expect(desk.Question).ToContainTextAsync($"Record that {Name} left? The client will be recorded as churned.");
            await desk.Confirm.ClickAsync();

            await Expect(desk.Page.Locator("#status")).ToContainTextAsync("Departure recorded.");
            sent.ShouldNotBeNull();
            var churn = sent is JsonArray items ? items[0]! : sent;
            churn["type"]!.GetValue<string>().ShouldBe("churned");
            churn["cancellationTouchpointId"]!.GetValue<string>().ShouldBe($"{Client}-cancel");
        });
    }
}
