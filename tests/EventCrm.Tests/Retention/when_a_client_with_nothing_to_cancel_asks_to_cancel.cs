using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>
/// A churned client, or a prospect who never signed up nor bought, has nothing to cancel: a request
/// to cancel would put it on the desk's work list. It is refused (409), nothing appended.
/// </summary>
public class when_a_client_with_nothing_to_cancel_asks_to_cancel(NothingToCancelHost retention) : IClassFixture<NothingToCancelHost>
{
    [Fact]
    public async Task a_churned_client_is_refused_and_nothing_is_appended()
    {
        var client = Ids.Customer();
        var signup = DateTimeOffset.UtcNow.AddDays(-100);
        await retention.Host.PostTouchpoints(new[] { SignUp(client, signup), Purchase(client, signup.AddDays(5)), Churn(client, signup.AddDays(50)) });

        var refused = await retention.Host.PostTouchpoints(CancellationRequest(client, DateTimeOffset.UtcNow.AddMinutes(-1)), 409);

        refused["errors"]!["customerId"]![0]!.GetValue<string>().ShouldBe($"customer '{client}' has churned: there is nothing to cancel (a client who buys again may ask)");
        refused["detail"]!.GetValue<string>().ShouldEndWith("Nothing was appended.");
        (await retention.Host.TimelineEntries(client)).Count.ShouldBe(3);
        (await retention.Host.GetJson($"/api/customers/{client}"))["state"]!.GetValue<string>().ShouldBe("churned");
        await ShouldNotBeOnTheWorkList(client);
    }

    [Fact]
    public async Task a_prospect_is_refused_in_a_batch_by_its_place_and_the_whole_batch_appends_nothing()
    {
        var prospect = Ids.Customer();
        var other = Ids.Customer();
        await retention.Host.PostTouchpoints(Lead(prospect, DateTimeOffset.UtcNow.AddDays(-3)));

        var refused = await retention.Host.PostTouchpoints(new[] { SignUp(other, DateTimeOffset.UtcNow.AddDays(-2)), CancellationRequest(prospect, DateTimeOffset.UtcNow.AddMinutes(-1)) }, 409);

        refused["errors"]!["[1]"]![0]!.GetValue<string>().ShouldBe($"customer '{prospect}' is a prospect (never signed up nor bought): there is nothing to cancel");
        (await retention.Host.TimelineEntries(prospect)).Count.ShouldBe(1);
        await retention.Host.GetJson($"/api/customers/{other}", 404);
        await ShouldNotBeOnTheWorkList(prospect);
    }

    [Fact]
    public async Task a_churned_client_who_bought_again_is_active_and_may_ask()
    {
        var client = Ids.Customer();
        var signup = DateTimeOffset.UtcNow.AddDays(-100);
        await retention.Host.PostTouchpoints(new[] { SignUp(client, signup), Churn(client, signup.AddDays(50)), Purchase(client, signup.AddDays(60)) });
        (await retention.Host.GetJson($"/api/customers/{client}"))["state"]!.GetValue<string>().ShouldBe("active");

        await retention.Host.PostTouchpoints(CancellationRequest(client, DateTimeOffset.UtcNow.AddMinutes(-1)));

        (await retention.Host.GetJson($"/api/customers/{client}"))["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
    }

    private async Task ShouldNotBeOnTheWorkList(string client)
    {
        var list = await retention.Host.GetJson("/api/retention/pending?pageSize=200");
        list["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldNotContain(client);
    }
}

/// <summary>A schema of its own: the hosts over eventcrm_retention empty it as they start, under the scenarios of another class.</summary>
public sealed class NothingToCancelHost() : SchemaHost("eventcrm_nothing_to_cancel");
