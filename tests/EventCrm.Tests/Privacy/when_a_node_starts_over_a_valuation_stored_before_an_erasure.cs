using EventCrm.Host.Portfolio;
using EventCrm.Tests.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Portfolio.StoredValuationNodes;

namespace EventCrm.Tests.Privacy;

/// <summary>The base of <see cref="SmallPortfolio"/> in a schema of its own, served by a node that stores its valuations.</summary>
public sealed class StoredBeforeAnErasure() : SmallPortfolio("eventcrm_privacy_stored", FirstNode);

/// <summary>
/// A node starting over the base answers the portfolio from a valuation stored by another, made maybe an hour before an
/// erasure. The promise of docs/privacy.md holds for it too: every portfolio answer begun after an erasure's 200 holds none of
/// the erased values, whether the erasure came before the node loaded the stored valuation or after.
/// </summary>
public class when_a_node_starts_over_a_valuation_stored_before_an_erasure(StoredBeforeAnErasure portfolio) : IClassFixture<StoredBeforeAnErasure>
{
    [Fact]
    public async Task its_answers_hold_no_name_nor_email_erased_before_or_after_it_loaded_it()
    {
        var valued = await ValuedAndStoredAsync(portfolio.Host);
        (await AnswersOf(portfolio.Host)).Values.ShouldContain(a => a.Contains("Eve Eden"), "the stored valuation was made before the erasure");

        await portfolio.Host.PostJson("/api/customers/E/erasure", new { }, 200);

        await using var second = await AppFixture.StartHost(portfolio.Schema, SecondNode("00:00:30"));
        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            var loaded = await AnswersOf(second);
            second.Services.GetRequiredService<PortfolioBase>().AnswersFromStoredValuation.ShouldBeTrue();
            foreach (var (route, answer) in loaded)
            {
                AsOfIn(answer).ShouldBe(valued.AsOf, route);
                answer.ShouldNotContain("Eve Eden", customMessage: route);
                answer.ShouldNotContain("eve@example.com", Case.Insensitive, route);
            }
            loaded["/api/portfolio/segments?members=10"].ShouldContain("\"name\":\"[erased]\"");
            loaded["/api/portfolio/segments?members=10"].ShouldContain("Ann Able");

            // Erased on the first node after the second loaded the stored valuation: its very next answers hold none of it.
            await portfolio.Host.PostJson("/api/customers/A/erasure", new { }, 200);
            foreach (var (route, answer) in await AnswersOf(second))
            {
                AsOfIn(answer).ShouldBe(valued.AsOf, route);
                answer.ShouldNotContain("Ann Able", customMessage: route);
                answer.ShouldNotContain("ann@a.example", Case.Insensitive, route);
            }
        }
    }
}
