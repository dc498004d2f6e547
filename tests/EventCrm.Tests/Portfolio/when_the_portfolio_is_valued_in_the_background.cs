using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// The base of <see cref="SmallPortfolio"/> in a schema of its own, valued in pages of 2 ledgers, and valued again
/// whenever a request finds the last valuation done (no refresh delay), so that every request could start one.
/// </summary>
public sealed class BackgroundPortfolio() : SmallPortfolio("eventcrm_portfolio_background", Settings)
{
    public static readonly (string Key, string Value)[] Settings =
        [("Portfolio:ValuationPageSize", "2"), ("Portfolio:RefreshAfter", "00:00:00"), ("Portfolio:FirstValuationWait", "00:00:00.200")];

    public PortfolioBase Valuations => Host.Services.GetRequiredService<PortfolioBase>();
}

/// <summary>
/// Every portfolio route valued the whole base inside the request that found its 10-second cache expired, reading
/// every profile and ledger at once: minutes and gigabytes at a million customers. A request is now answered from the
/// last completed valuation while the next one is made in the background, a page of documents at a time.
/// </summary>
public class when_the_portfolio_is_valued_in_the_background(BackgroundPortfolio portfolio) : IClassFixture<BackgroundPortfolio>
{
    // Customers A to E have been customers; F is a lead only (SmallPortfolio).
    private const int CustomersOfTheBase = 5;

    [Fact]
    public async Task a_request_is_answered_from_the_last_valuation_while_the_next_one_is_held()
    {
        var before = await portfolio.Valuations.RevalueAsync();
        var newcomer = Ids.Customer();
        await portfolio.Host.PostTouchpoints(new[] { SignUp(newcomer, SmallPortfolio.SignupDay), Purchase(newcomer, SmallPortfolio.SignupDay.AddDays(40)) });
        await portfolio.Store.CatchUp();

        Task<JsonNode> answered;
        // The ledgers' table locked: a valuation started now waits for it, as one of a large base takes minutes.
        await using (var held = await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            answered = portfolio.Host.GetJson("/api/portfolio/segments");
            await HeldStreamLock.UntilOneWaits(portfolio.Schema);
            portfolio.Valuations.Valuing.ShouldBeTrue("the request started the next valuation");
            // Generous, not a measure: a request that waits for the held valuation never answers while the lock is held.
            await Task.WhenAny(answered, Task.Delay(TimeSpan.FromSeconds(30)));
            answered.IsCompleted.ShouldBeTrue("the request was answered without waiting for the valuation under way");
            portfolio.Valuations.Valuing.ShouldBeTrue("the valuation is still held");
        }

        var stale = await answered;
        stale["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(before.AsOf, "answered from the valuation made before the newcomer");
        CustomerIdsOf(stale).ShouldNotContain(newcomer);
        CustomerIdsOf(stale).Count.ShouldBe(before.Quadrants.Members.Values.Sum(m => m.Count));

        var after = await portfolio.Valuations.RevalueAsync();
        var fresh = await portfolio.Host.GetJson("/api/portfolio/segments");
        fresh["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(after.AsOf);
        after.AsOf.ShouldBeGreaterThan(before.AsOf);
        CustomerIdsOf(fresh).ShouldContain(newcomer);
    }

    [Fact]
    public async Task the_valuation_reads_the_base_a_page_of_documents_at_a_time()
    {
        var valued = await portfolio.Valuations.RevalueAsync();
        var reads = portfolio.Valuations.LastReads!;

        // Every record with a ledger is valued (the lead F too), in pages of 2 ledgers and their 2 profiles, never more.
        reads.Ledgers.ShouldBe(valued.Customers.Count);
        reads.Ledgers.ShouldBeGreaterThanOrEqualTo(CustomersOfTheBase + 1);
        reads.Pages.ShouldBe((reads.Ledgers + 1) / 2);
        reads.LargestPage.ShouldBe(4);
        // And nothing is lost on the way: every customer once, in id order.
        valued.Customers.Select(c => c.CustomerId).ShouldBe(valued.Customers.Select(c => c.CustomerId).Distinct().Order(StringComparer.Ordinal));
        valued.Customers.Single(c => c.CustomerId == "A").Name.ShouldBe("Ann Able");
    }

    [Fact]
    public async Task the_first_request_after_start_is_told_to_come_back_while_the_first_valuation_is_held()
    {
        await using var host = await AppFixture.StartHost(portfolio.Schema, BackgroundPortfolio.Settings);
        IScenarioResult refused;
        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            refused = await host.Scenario(s =>
            {
                s.Get.Url("/api/portfolio/segments");
                s.StatusCodeShouldBe(503);
            });
        }

        refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("10");
        var problem = JsonNode.Parse(await refused.ReadAsTextAsync())!;
        problem["title"]!.GetValue<string>().ShouldBe("Portfolio not valued yet");
        problem["detail"]!.GetValue<string>().ShouldContain("being valued for the first time");

        // The first valuation went on once the lock was let go; asked again, the route answers from it.
        await host.Services.GetRequiredService<PortfolioBase>().RevalueAsync();
        var answer = await host.GetJson("/api/portfolio/segments");
        CustomerIdsOf(answer).ShouldContain("A");
    }

    /// <summary>
    /// A node no portfolio route was asked of for a while (an hour, a night) held a valuation of then: its next request
    /// was answered from it, the figures and names of an hour ago, a customer erased on another node meanwhile included.
    /// A valuation older than the node's refreshes leave it while in use (RefreshAfter, here none, plus twice the last
    /// valuation's duration) is now waited for, up to FirstValuationWait, as the first one is.
    /// </summary>
    [Fact]
    public async Task a_request_after_a_quiet_while_is_answered_from_a_fresh_valuation()
    {
        await using var host = await AppFixture.StartHost(portfolio.Schema,
            [("Portfolio:RefreshAfter", "00:00:00"), ("Portfolio:FirstValuationWait", "00:00:30")]);
        var asked = DateTimeOffset.UtcNow;
        var first = await host.GetJson("/api/portfolio/segments");
        // The first request waited for the whole valuation: its duration bounds the valuation's.
        var valuation = DateTimeOffset.UtcNow - asked;
        var newcomer = Ids.Customer();
        await portfolio.Host.PostTouchpoints(new[] { SignUp(newcomer, SmallPortfolio.SignupDay), Purchase(newcomer, SmallPortfolio.SignupDay.AddDays(40)) });
        await portfolio.Store.CatchUp();
        // Quiet for longer than two valuations.
        await Task.Delay(2 * valuation + TimeSpan.FromMilliseconds(100));

        var later = await host.GetJson("/api/portfolio/segments");

        later["asOf"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(first["asOf"]!.GetValue<DateTimeOffset>());
        CustomerIdsOf(later).ShouldContain(newcomer);
    }

    [Fact]
    public async Task an_erasure_while_a_valuation_is_held_drops_the_erased_email_from_the_next_answer_at_once()
    {
        // Its own pair of records sharing an email, so that the base's other scenarios read the same customers.
        var marker = Guid.NewGuid().ToString("N")[..10];
        var email = $"held.{marker}@privacy.example";
        var (first, second) = (Ids.Customer(), Ids.Customer());
        await portfolio.Host.PostTouchpoints(new[] { SignUp(first, SmallPortfolio.SignupDay, $"Held Twice{marker}", email),
            SignUp(second, SmallPortfolio.SignupDay, $"Held Twice{marker}", email) });
        await portfolio.Store.CatchUp();
        await portfolio.Valuations.RevalueAsync();
        (await DuplicateKeys()).ShouldContain(email);
        // That request started a valuation of its own (no refresh delay): under load it was still being finished when the
        // table was locked, so the request below started none, and nothing came to wait for the lock.
        await Waits.Until(() => !portfolio.Valuations.Valuing);

        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            await portfolio.Host.GetJson("/api/portfolio/segments");
            await HeldStreamLock.UntilOneWaits(portfolio.Schema);
            await portfolio.Host.PostJson($"/api/customers/{first}/erasure", new { }, 200);

            // Answered from the valuation made before the erasure, renamed: the one record left duplicates nothing.
            portfolio.Valuations.Valuing.ShouldBeTrue("the next valuation is still held");
            (await DuplicateKeys()).ShouldNotContain(email);
        }

        // And the valuation that was under way, once done, says the same.
        await portfolio.Valuations.RevalueAsync();
        (await DuplicateKeys()).ShouldNotContain(email);
    }

    private async Task<List<string>> DuplicateKeys() =>
        (await portfolio.Host.GetJson("/api/data-quality"))["analysis"]!["duplicates"]!["groups"]!.AsArray()
        .Select(g => g!["key"]!.GetValue<string>()).ToList();

    private static List<string> CustomerIdsOf(JsonNode segments) =>
        segments["analysis"]!["quadrants"]!.AsArray().SelectMany(q => q!["customerIds"]!.AsArray().Select(id => id!.GetValue<string>())).ToList();
}
