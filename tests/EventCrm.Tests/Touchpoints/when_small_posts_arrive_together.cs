using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>
/// Small requests arriving at the same moment share one transaction (AppendCombiner), and each
/// is still decided, refused or appended on its own.
/// </summary>
public class when_small_posts_arrive_together(AppFixture app)
{
    private async Task<int> Status(object body) =>
        (await app.Host.Scenario(x => { x.Post.Json(body).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); })).Context.Response.StatusCode;

    [Fact]
    public async Task they_share_transactions_and_a_refused_one_takes_nothing_from_the_others()
    {
        for (var burst = 1; ; burst++)
        {
            var customers = Enumerable.Range(0, 16).Select(_ => Ids.Customer()).ToArray();
            var strangers = Enumerable.Range(0, 4).Select(_ => Ids.Customer()).ToArray();
            var posts = customers.Select(c => (Body: SignUp(c, Jan1), Expected: 201))
                .Concat(strangers.Select(s => (Body: Purchase(s, Jan1), Expected: 404))) // no such customer yet
                .OrderBy(_ => Random.Shared.Next()).ToArray();

            var statuses = await Task.WhenAll(posts.Select(p => Status(p.Body)));

            statuses.ShouldBe(posts.Select(p => p.Expected).ToArray());
            foreach (var stranger in strangers) (await app.Store.EventCount(stranger)).ShouldBe(0);
            foreach (var customer in customers) (await app.Store.EventCount(customer)).ShouldBe(1);
            var transactions = await app.Store.TransactionsThatWrote(customers);
            if (transactions < customers.Length) return;
            // Sixteen requests at once that never met in one transaction: the machine was slow enough
            // to take each alone; try again, but not forever.
            burst.ShouldBeLessThan(5, $"16 concurrent signups were written in {transactions} transactions, burst after burst");
        }
    }
}
