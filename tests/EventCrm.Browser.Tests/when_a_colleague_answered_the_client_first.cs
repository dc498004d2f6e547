using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Two desks work the same list. A client with no offer is shown asking to cancel; meanwhile a colleague records
/// that it stays. "Let the client go" used to record a plain churn, which the service takes for any client: sent, it
/// churned a client who had just been kept. The page makes sure first, and tells the desk instead; a colleague's
/// answer landing after that check has the service refuse the churn, which names the request it answers.
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

            // The page's own check refused it, nothing sent: no HTTP status is shown as if the service had answered.
            await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync("Recording the outcome: Decided meanwhile");
            await Expect(desk.Error).ToContainTextAsync($"{Name} is no longer asking to cancel (now active): an outcome was recorded meanwhile");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Outcome("Let the client go")).ToHaveCountAsync(0);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"Nothing was recorded: {Name} was answered meanwhile and is now active.");
            Volatile.Read(ref churnsSent).ShouldBe(0, "a churn was sent for a client who stays");
        });
    }

    /// <summary>
    /// The colleague answers after the page made sure and before the churn lands: the churn names the request it
    /// answers, and the service (answered in its place, as src/Relationship/Ingestion refuses it) records nothing.
    /// </summary>
    [Fact]
    public async Task a_colleague_answering_after_the_page_made_sure_has_the_service_refuse_the_churn_in_words()
    {
        await app.WithDesk(nameof(a_colleague_answering_after_the_page_made_sure_has_the_service_refuse_the_churn_in_words), async desk =>
        {
            var colleagueKeptIt = false;
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(colleagueKeptIt
                ? FakeAnswers.Json(new JsonObject { ["customerId"] = Client, ["state"] = "active", ["pending"] = null })
                : FakeAnswers.Retention(Client, "no-offer")));
            var refusal = $"request to cancel '{Client}-cancel' of customer '{Client}' is no longer pending: " +
                "'cancellation-withdrawn' at 2026-12-06T10:00:00.0000000+00:00 decided it (state: active)";
            JsonNode? sent = null;
            await desk.Page.RouteAsync("**/api/touchpoints", route =>
            {
                sent = JsonNode.Parse(route.Request.PostData!);
                colleagueKeptIt = true;   // recorded at another desk a moment before this churn reached the service
                return route.FulfillAsync(new()
                {
                    Status = 409, ContentType = "application/problem+json",
                    Body = new JsonObject
                    {
                        ["title"] = "Conflict", ["status"] = 409, ["detail"] = $"{refusal}. Nothing was appended.",
                        ["errors"] = new JsonObject { ["cancellationTouchpointId"] = new JsonArray(refusal) },
                    }.ToJsonString(),
                });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);
            await desk.Record("Let the client go");

            // Said as the page's own check says it, the client read again; the service's refusal, its status too, folded beneath.
            await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync("Recording the outcome: Decided meanwhile");
            await Expect(desk.Error.Locator("p").Nth(1)).ToHaveTextAsync(
                $"{Name} is no longer asking to cancel (now active): an outcome was recorded meanwhile, at another desk say. " + NothingRecorded);
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync($"Conflict (409): {refusal}");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"Nothing was recorded: {Name} was answered meanwhile and is now active.");
            // The churn named the request the panel showed: what lets the service refuse it.
            (sent?["type"]?.GetValue<string>(), sent?["cancellationTouchpointId"]?.GetValue<string>()).ShouldBe(("churned", $"{Client}-cancel"));
        });
    }

    /// <summary>
    /// The walk-through of 2026-12-08, two desks on one client: A asks to accept the offer, B declines it, then A confirms.
    /// The service refuses A's answer as it refuses any answer to an offer no longer open (404, docs/api.md); A's page
    /// titled it "Not found (404)", a technical fault to the eye, and its status line said nothing.
    /// </summary>
    [Fact]
    public async Task accepting_an_offer_a_colleague_declined_a_moment_before_is_said_decided_meanwhile()
    {
        const string client = "ordinary-15", name = "Ordinary Customer 15";
        await app.OfferMadeTo(client);
        const string scenario = nameof(accepting_an_offer_a_colleague_declined_a_moment_before_is_said_decided_meanwhile);
        await app.WithDesk($"{scenario}-colleague", async colleague =>
        {
            await colleague.EnterKey(BrowserFixture.AdminKey);
            await colleague.Open(name);
            await Expect(colleague.Retention).ToContainTextAsync("Recommended action: retention offer");
            await app.WithDesk(scenario, async desk =>
            {
                await desk.EnterKey(BrowserFixture.AdminKey);
                await desk.Open(name);
                await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer");
                await desk.Outcome("Accept offer").ClickAsync();

                await colleague.Record("Decline offer");   // at the other desk, while this one reads its question
                await Expect(colleague.Retention).ToContainTextAsync("No pending cancellation.");
                await desk.Confirm.ClickAsync();

                await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync("Recording the outcome: Decided meanwhile");
                await Expect(desk.Error.Locator("p").Nth(1)).ToHaveTextAsync(
                    $"{name} is no longer asking to cancel (now churned): an outcome was recorded meanwhile, at another desk say. " + NothingRecorded);
                await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(
                    $"Not found (404): offer 'offer:{client}-cancel-");
                await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"Nothing was recorded: {name} was answered meanwhile and is now churned.");
                await Expect(desk.Retention).ToContainTextAsync("No pending cancellation.");
                await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            });
        });
        // The colleague's decline recorded, this desk's acceptance not.
        var types = await app.EventTypesOf(client);
        types.ShouldContain("retention-offer-declined");
        types.ShouldNotContain("retention-offer-accepted");
    }

    [Fact]
    public async Task keeping_a_client_a_colleague_let_go_is_explained_in_words()
    {
        const string client = "ordinary-19";
        await RefusedInWords(nameof(keeping_a_client_a_colleague_let_go_is_explained_in_words), client, "Ordinary Customer 19", "no-offer", "Client stays",
            409, "Conflict", "customerId", $"customer '{client}' has no pending request to cancel (state: churned): there is nothing to withdraw",
            "The client is no longer asking to cancel (now churned): an outcome was recorded meanwhile, at another desk say. " + NothingRecorded);
    }

    /// <summary>The same refusal, the client read again after it churned (the colleague let it go): said as decided meanwhile.</summary>
    [Fact]
    public async Task keeping_a_client_a_colleague_let_go_a_moment_before_is_said_decided_meanwhile()
    {
        const string client = "ordinary-19", name = "Ordinary Customer 19";
        var detail = $"customer '{client}' has no pending request to cancel (state: churned): there is nothing to withdraw";
        await app.WithDesk(nameof(keeping_a_client_a_colleague_let_go_a_moment_before_is_said_decided_meanwhile), async desk =>
        {
            var letGo = false;
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(letGo
                ? FakeAnswers.Json(new JsonObject { ["customerId"] = client, ["state"] = "churned", ["pending"] = null })
                : FakeAnswers.Retention(client, "no-offer")));
            await desk.Page.RouteAsync("**/api/touchpoints", route =>
            {
                letGo = true;   // recorded at another desk a moment before this withdrawal reached the service
                return route.FulfillAsync(new()
                {
                    Status = 409, ContentType = "application/problem+json",
                    Body = new JsonObject
                    {
                        ["title"] = "Conflict", ["status"] = 409, ["detail"] = $"{detail}. Nothing was appended.",
                        ["errors"] = new JsonObject { ["customerId"] = new JsonArray(detail) },
                    }.ToJsonString(),
                });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(name);
            await desk.Record("Client stays");

            await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync("Recording the outcome: Decided meanwhile");
            await Expect(desk.Error.Locator("p").Nth(1)).ToHaveTextAsync(
                $"{name} is no longer asking to cancel (now churned): an outcome was recorded meanwhile, at another desk say. " + NothingRecorded);
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync($"Conflict (409): {detail}");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"Nothing was recorded: {name} was answered meanwhile and is now churned.");
        });
    }

    private const string NothingRecorded = "Nothing was recorded: the retention panel, read again, shows the client as it is now, and its timeline what was recorded.";

    /// <summary>
    /// The outcome is refused as the service refuses it (src/Relationship/Ingestion), answered in its place: nothing is
    /// appended. The client's retention, read again, still shows the request (the colleague's answer not read yet): the
    /// service's refusal is said in words under its own title.
    /// </summary>
    private Task RefusedInWords(string scenario, string client, string name, string decision, string outcome,
        int status, string title, string field, string detail, string words) => app.WithDesk(scenario, async desk =>
    {
        await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(client, decision)));
        await desk.Page.RouteAsync("**/api/touchpoints", route => route.FulfillAsync(new()
        {
            Status = status, ContentType = "application/problem+json",
            Body = new JsonObject
            {
                ["title"] = title, ["status"] = status, ["detail"] = $"{detail}. Nothing was appended.",
                ["errors"] = new JsonObject { [field] = new JsonArray(detail) },
            }.ToJsonString(),
        }));
        await desk.EnterKey(BrowserFixture.AdminKey);
        await desk.Open(name);
        await desk.Record(outcome);

        await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync($"Recording the outcome: {title} ({status})");
        await Expect(desk.Error.Locator("p").Nth(1)).ToHaveTextAsync(words);
        // The service's own words stay one click away, to quote to support.
        await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(detail);
        await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Nothing was recorded: the retention panel was read again.");
    });
}
