using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>
/// "Let the client go" records a churn naming the request to cancel it answers (cancellationTouchpointId). Two desks
/// work one list: when a colleague answered that request first (the client stays, an offer accepted) or the client
/// asked again since, the churn is refused and nothing is appended, where it used to churn a client who had stayed.
/// </summary>
public class when_the_desk_lets_a_client_go(LettingGoHost retention) : IClassFixture<LettingGoHost>
{
    /// <summary>Whole seconds, so that the times the refusals name are written here by hand.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static Dictionary<string, object?> LetGo(string customer, string request, DateTimeOffset at) =>
        Of("churned", customer, at, new { reason = "let go: no retention offer", cancellationTouchpointId = request });

    private static Dictionary<string, object?> Stays(string customer, string request, DateTimeOffset at) =>
        Of("cancellation-withdrawn", customer, at, new { reason = "stays: no retention offer", cancellationTouchpointId = request });

    /// <summary>
    /// Beta asking to cancel with a request of a known id, at ten minutes ago, offered nothing: the assessment is
    /// awaited, so that the stream's length changes only by what the scenario sends.
    /// </summary>
    private async Task<(string Beta, string Request)> BetaAsking()
    {
        var beta = await RetentionClients.Beta(retention.Host);
        var request = $"ask-{beta}";
        await retention.Host.PostTouchpoints(Of("cancellation-requested", beta, Now.AddMinutes(-10), new { reason = "too expensive" }, request));
        (await RetentionClients.Decision(retention.Host, beta))["decision"]!.GetValue<string>().ShouldBe("no-offer");
        return (beta, request);
    }

    [Fact]
    public async Task a_churn_naming_the_pending_request_lets_the_client_go()
    {
        var (beta, request) = await BetaAsking();

        await retention.Host.PostTouchpoints(LetGo(beta, request, Now.AddMinutes(-5)), 201);

        var timeline = await retention.Host.GetJson($"/api/customers/{beta}/timeline");
        timeline["state"]!.GetValue<string>().ShouldBe("churned");
        var churn = timeline["entries"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "churned")!;
        (churn["state"]!.GetValue<string>(), churn["cancellationTouchpointId"]!.GetValue<string>()).ShouldBe(("churned", request));
    }

    [Fact]
    public async Task a_churn_naming_a_request_a_colleague_kept_the_client_on_is_refused_and_appends_nothing()
    {
        var (beta, request) = await BetaAsking();
        await retention.Host.PostTouchpoints(Stays(beta, request, Now.AddMinutes(-8)));
        var before = await retention.Store.EventCount(beta);

        var refused = await retention.Host.PostTouchpoints(LetGo(beta, request, Now.AddMinutes(-5)), 409);

        refused["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>().ShouldBe(
            $"request to cancel '{request}' of customer '{beta}' is no longer pending: 'cancellation-withdrawn' at {Now.AddMinutes(-8):O} decided it (state: active)");
        (await retention.Store.EventCount(beta)).ShouldBe(before);
        (await retention.Host.GetJson($"/api/customers/{beta}"))["state"]!.GetValue<string>().ShouldBe("active");

        // A churn naming no request is taken for any client, as before the field existed.
        await retention.Host.PostTouchpoints(Churn(beta, Now.AddMinutes(-4)), 201);
        (await retention.Store.EventCount(beta)).ShouldBe(before + 1);
    }

    [Fact]
    public async Task a_churn_naming_a_request_whose_offer_was_accepted_is_refused()
    {
        var (alpha, offerId) = await RetentionClients.AlphaWithAnOffer(retention.Host);
        var request = (await retention.Host.GetJson($"/api/customers/{alpha}/retention"))["pending"]!["cancellationTouchpointId"]!.GetValue<string>();
        var accepted = DateTimeOffset.UtcNow;
        await retention.Host.PostTouchpoints(Of("retention-offer-accepted", alpha, accepted, new { offerId }));
        var before = await retention.Store.EventCount(alpha);

        var refused = await retention.Host.PostTouchpoints(LetGo(alpha, request, accepted.AddSeconds(1)), 409);

        refused["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>().ShouldBe(
            $"request to cancel '{request}' of customer '{alpha}' is no longer pending: 'retention-offer-accepted' at {accepted:O} decided it (state: retained)");
        (await retention.Store.EventCount(alpha)).ShouldBe(before);
    }

    [Fact]
    public async Task a_churn_naming_a_request_the_client_made_again_since_is_refused_and_the_newer_one_may_be_answered()
    {
        var (beta, first) = await BetaAsking();
        var second = $"ask-again-{beta}";
        await retention.Host.PostTouchpoints(Of("cancellation-requested", beta, Now.AddMinutes(-9), new { reason = "still too expensive" }, second));
        await RetentionClients.Decision(retention.Host, beta);
        var before = await retention.Store.EventCount(beta);

        var refused = await retention.Host.PostTouchpoints(LetGo(beta, first, Now.AddMinutes(-5)), 409);

        refused["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>().ShouldBe(
            $"request to cancel '{first}' of customer '{beta}' is no longer pending: the client asked again since ('{second}' is its latest request)");
        (await retention.Store.EventCount(beta)).ShouldBe(before);
        await retention.Host.PostTouchpoints(LetGo(beta, second, Now.AddMinutes(-5)), 201);
    }

    [Fact]
    public async Task a_churn_naming_a_request_the_client_never_made_is_404_and_appends_nothing()
    {
        var (beta, _) = await BetaAsking();
        var (other, othersRequest) = await BetaAsking();
        var before = await retention.Store.EventCount(beta);

        var unknown = await retention.Host.PostTouchpoints(LetGo(beta, "never-asked", Now.AddMinutes(-5)), 404);
        var someoneElses = await retention.Host.PostTouchpoints(LetGo(beta, othersRequest, Now.AddMinutes(-5)), 404);

        unknown["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>()
            .ShouldBe($"customer '{beta}' has no request to cancel 'never-asked' (no cancellation-requested with that touchpoint id)");
        someoneElses["errors"]!["cancellationTouchpointId"]![0]!.GetValue<string>()
            .ShouldBe($"customer '{beta}' has no request to cancel '{othersRequest}' (no cancellation-requested with that touchpoint id)");
        (await retention.Store.EventCount(beta)).ShouldBe(before);
        (await retention.Host.GetJson($"/api/customers/{other}"))["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
    }

    [Fact]
    public async Task two_desks_answering_one_request_at_once_see_exactly_one_answer_recorded()
    {
        for (var round = 0; round < 4; round++)
        {
            var (beta, request) = await BetaAsking();
            var before = await retention.Store.EventCount(beta);
            // Desk A lets the client go while desk B records that it stays, and desk C lets it go too.
            var answers = new[] { LetGo(beta, request, Now.AddMinutes(-5)), Stays(beta, request, Now.AddMinutes(-5)), LetGo(beta, request, Now.AddMinutes(-5)) };

            var statuses = await Task.WhenAll(answers.Select(Status));

            statuses.Order().ToArray().ShouldBe(new[] { 201, 409, 409 }, $"round {round}");
            (await retention.Store.EventCount(beta)).ShouldBe(before + 1);
        }
    }

    [Fact]
    public async Task a_churn_sent_while_its_request_is_being_written_waits_for_it_and_lets_the_client_go()
    {
        var beta = await RetentionClients.Beta(retention.Host);
        var request = $"ask-while-held-{beta}";
        var asking = Of("cancellation-requested", beta, Now.AddMinutes(-10), new { reason = "too expensive" }, request);
        Task<int> requesting, lettingGo;

        // Another writer holds Beta's stream: the request waits for it, then the churn naming it waits behind the request.
        await using (var held = await HeldStreamLock.Of(retention.Schema, beta))
        {
            requesting = Status(asking);
            await held.UntilWaitedOnBy(1);
            lettingGo = Status(LetGo(beta, request, Now.AddMinutes(-5)));
            await held.UntilWaitedOnBy(2);
        }

        (await requesting, await lettingGo).ShouldBe((201, 201));
        (await retention.Host.GetJson($"/api/customers/{beta}"))["state"]!.GetValue<string>().ShouldBe("churned");
    }

    private async Task<int> Status(Dictionary<string, object?> touchpoint) =>
        (await retention.Host.Scenario(x => { x.Post.Json(touchpoint).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); })).Context.Response.StatusCode;

    [Fact]
    public async Task an_import_lets_a_client_go_on_the_request_of_an_earlier_line_and_refuses_a_churn_on_a_request_already_answered()
    {
        const string header = "type,touchpointId,customerId,occurredAt,reason,cancellationTouchpointId";
        var leaving = await RetentionClients.Beta(retention.Host);
        var file = $"{header}\ncancellation-requested,imp-ask-{leaving},{leaving},{Now.AddMinutes(-20):O},too expensive,\n" +
            $"churned,imp-go-{leaving},{leaving},{Now.AddMinutes(-15):O},let go,imp-ask-{leaving}\n";

        (await retention.Host.PostImport(file, 201))["imported"]!.GetValue<int>().ShouldBe(2);
        (await retention.Host.GetJson($"/api/customers/{leaving}"))["state"]!.GetValue<string>().ShouldBe("churned");

        var (kept, request) = await BetaAsking();
        await retention.Host.PostTouchpoints(Stays(kept, request, Now.AddMinutes(-8)));
        var before = await retention.Store.EventCount(kept);
        var late = $"{header}\nchurned,imp-go-{kept},{kept},{Now.AddMinutes(-5):O},let go,{request}\n";

        var refused = await retention.Host.PostImport(late, 422);

        refused["errors"]!["line 2"]!.AsArray().Single()!.GetValue<string>()
            .ShouldBe($"request to cancel '{request}' of customer '{kept}' is no longer pending: 'cancellation-withdrawn' at {Now.AddMinutes(-8):O} decided it (state: active)");
        (await retention.Store.EventCount(kept)).ShouldBe(before);
    }
}

/// <summary>A schema of its own: the hosts over eventcrm_retention empty it as they start, under the scenarios of another class.</summary>
public sealed class LettingGoHost() : SchemaHost("eventcrm_letting_go");
