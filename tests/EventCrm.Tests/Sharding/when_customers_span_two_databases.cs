using EventCrm.Host.Portfolio;
using EventCrm.Host.Sharding;
using Microsoft.Extensions.DependencyInjection;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Sharding;

public sealed class when_customers_span_two_databases(ShardedReads bases) : IClassFixture<ShardedReads>
{
    [Fact]
    public async Task every_customer_lands_in_exactly_one_of_the_two_databases_and_both_hold_some()
    {
        var first = await bases.StreamsIn(bases.Databases[0]);
        var second = await bases.StreamsIn(bases.Databases[1]);

        first.ShouldNotBeEmpty();
        second.ShouldNotBeEmpty();
        first.Intersect(second).ShouldBeEmpty();
        first.Concat(second).Order(StringComparer.Ordinal).ShouldBe(bases.Customers);
        foreach (var id in first) CustomerShardRule.DatabaseOf(id, 2).ShouldBe(0);
        foreach (var id in second) CustomerShardRule.DatabaseOf(id, 2).ShouldBe(1);
    }

    [Fact]
    public async Task the_portfolio_says_how_far_the_ledgers_it_valued_had_folded_each_databases_log_together()
    {
        // Each database numbers its own events: the ledgers, caught up in both, had folded up to each one's last.
        var heads = new[] { await bases.LastSequenceIn(bases.Databases[0]), await bases.LastSequenceIn(bases.Databases[1]) };
        await bases.Sharded.Services.GetRequiredService<PortfolioBase>().RevalueAsync();

        var progress = (await bases.Sharded.GetJson("/api/portfolio/pareto"))["ledgerProgress"]!;

        (progress["position"]!.GetValue<long>(), progress["highWaterMark"]!.GetValue<long>(), progress["eventsBehind"]!.GetValue<long>(),
            progress["caughtUp"]!.GetValue<bool>()).ShouldBe((heads[0] + heads[1], heads[0] + heads[1], 0L, true));
    }

    [Fact]
    public async Task the_projection_status_gives_each_database_and_their_sums()
    {
        var heads = new[] { await bases.LastSequenceIn(bases.Databases[0]), await bases.LastSequenceIn(bases.Databases[1]) };
        heads.ShouldAllBe(head => head > 0);

        var status = await bases.Sharded.GetJson("/api/projections/CustomerLedger");

        var databases = status["databases"]!.AsArray();
        databases.Select(d => d!["database"]!.GetValue<string>()).ShouldBe(["db0", "db1"]);
        for (var i = 0; i < 2; i++)
        {
            var database = databases[i]!;
            (database["state"]!.GetValue<string>(), database["position"]!.GetValue<long>(), database["highWaterMark"]!.GetValue<long>(),
                database["eventsBehind"]!.GetValue<long>()).ShouldBe(("caught-up", heads[i], heads[i], 0L), $"db{i}");
        }
        (status["state"]!.GetValue<string>(), status["position"]!.GetValue<long>(), status["highWaterMark"]!.GetValue<long>(),
            status["eventsBehind"]!.GetValue<long>()).ShouldBe(("caught-up", heads.Sum(), heads.Sum(), 0L));
        status["daemonRunning"]!.GetValue<bool>().ShouldBeTrue("a node holds the projection's lock in both databases");
        (await bases.Single.GetJson("/api/projections/CustomerLedger"))["databases"].ShouldBeNull();
    }

    [Fact]
    public async Task the_work_list_holds_the_clients_still_asking_to_cancel_in_either_database()
    {
        // Of the four who asked, the two worth an offer let it expire and churned; the two others got none and still ask.
        var pending = (await bases.Sharded.GetJson("/api/retention/pending"))["items"]!.AsArray();
        pending.Select(i => i!["customerId"]!.GetValue<string>()).Order(StringComparer.Ordinal).ShouldBe([bases.CancellingCustomers[2], bases.CancellingCustomers[3]]);
        pending.ShouldAllBe(i => i!["decision"]!.GetValue<string>() == "no-offer");
    }

    [Theory]
    [InlineData("")]
    [InlineData("/timeline")]
    [InlineData("/value?asOf=2025-06-30")]
    [InlineData("/value?asOf=2024-03-01&formula=simple-clv@0")]
    [InlineData("/value-history")]
    [InlineData("/retention")]
    [InlineData("/audit")]
    public async Task every_customer_route_answers_as_on_one_database(string route)
    {
        foreach (var id in bases.Customers) await bases.ShouldAnswerAlike($"/api/customers/{id}{route}");
    }

    [Theory]
    [InlineData("/api/customers?pageSize=200")]
    [InlineData("/api/customers?search=client&page=2&pageSize=7")]
    [InlineData("/api/customers?search=shard.example&page=4&pageSize=5")]
    [InlineData("/api/customers?state=active&page=2&pageSize=7")]
    [InlineData("/api/customers?state=churned&search=client")]
    [InlineData("/api/portfolio/pareto")]
    [InlineData("/api/portfolio/segments")]
    [InlineData("/api/portfolio/spend-by-category")]
    [InlineData("/api/kpis?from=2024-01-01&to=2025-06-30")]
    [InlineData("/api/data-quality")]
    [InlineData("/api/formulas")]
    [InlineData("/api/retention/pending")]
    [InlineData("/api/retention/pending?page=2&pageSize=1")]
    [InlineData("/api/retention/pending?order=value")]
    [InlineData("/api/retention/pending?order=value&page=2&pageSize=1")]
    public async Task every_portfolio_wide_read_gathers_both_databases(string url) => await bases.ShouldAnswerAlike(url);

    [Fact]
    public async Task customers_are_counted_by_state_over_both_databases()
    {
        // Worked by hand from the history: all 24 signed up; the last churned; of the four who asked to cancel, the
        // two worth an offer let it expire and churned, the two others still ask; the 19 others are active.
        var expected = new (string State, string[] Customers)[]
        {
            ("prospect", []),
            ("active", [.. bases.Customers.Skip(4).SkipLast(1)]),
            ("cancellation-requested", [bases.Customers[2], bases.Customers[3]]),
            ("churned", [bases.Customers[0], bases.Customers[1], bases.Customers[23]]),
            ("retained", []),
        };
        foreach (var (state, customers) in expected)
        {
            var answer = await bases.Sharded.GetJson($"/api/customers?state={state}&pageSize=200");
            // Names "Client A00" ... "Client X23" sort as the ids do.
            answer["total"]!.GetValue<long>().ShouldBe(customers.Length, state);
            answer["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).ShouldBe(customers, state);
        }
    }

    [Fact]
    public async Task a_search_for_a_customer_id_finds_it_in_its_own_database()
    {
        foreach (var id in bases.Customers)
        {
            await bases.ShouldAnswerAlike($"/api/customers?search={id}");
            // No name or email holds an id ("Client A00", "client00@shard.example"): the customer alone.
            var found = await bases.Sharded.GetJson($"/api/customers?search={id}");
            found["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).ShouldBe([id]);
        }
    }

    [Fact]
    public async Task a_search_page_too_deep_to_gather_from_every_database_is_400()
    {
        // Each database would answer everything up to the page: 51 x 200 = 10,200 profiles from each.
        (await bases.Sharded.GetJson("/api/customers?page=51&pageSize=200", 400)).ErrorKeys().ShouldBe(["page"]);
        await bases.Sharded.GetJson("/api/customers?page=50&pageSize=200");
        await bases.Single.GetJson("/api/customers?page=51&pageSize=200");
    }
}
