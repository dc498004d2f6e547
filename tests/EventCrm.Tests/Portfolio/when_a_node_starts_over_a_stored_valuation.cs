using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Portfolio.StoredValuationNodes;

namespace EventCrm.Tests.Portfolio;

/// <summary>The base of <see cref="SmallPortfolio"/> in a schema of its own, served by a node that stores its valuations.</summary>
public sealed class StoredValuationPortfolio() : SmallPortfolio("eventcrm_portfolio_stored", FirstNode)
{
    public CapturedLogs Captured { get; } = new();

    protected override CapturedLogs? Logs => Captured;
}

/// <summary>
/// A node starting over the base had nothing to answer the portfolio from until its own first valuation completed: a request
/// waited Portfolio:FirstValuationWait and got a 503, some 5 minutes at a million customers. It now answers at once from the
/// valuation another node stored, as of that valuation's time, unless that one was made under another formula, shape or
/// layout of databases, or cannot be read.
/// </summary>
public class when_a_node_starts_over_a_stored_valuation(StoredValuationPortfolio portfolio) : IClassFixture<StoredValuationPortfolio>
{
    [Fact]
    public async Task its_first_answers_are_the_first_nodes_made_without_valuing()
    {
        var valued = await ValuedAndStoredAsync(portfolio.Host);
        var first = await AnswersOf(portfolio.Host);
        await using var second = await AppFixture.StartHost(portfolio.Schema, SecondNode("00:00:30"));
        var valuations = second.Services.GetRequiredService<PortfolioBase>();

        Dictionary<string, string> answered;
        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            answered = await AnswersOf(second);
            valuations.LastReads.ShouldBeNull("the second node has not valued the base: its own valuation is held");
            valuations.Valuing.ShouldBeTrue("it values the base meanwhile");
        }

        foreach (var (route, answer) in first) answered[route].ShouldBe(answer, route);
        AsOfIn(answered["/api/portfolio/pareto"]).ShouldBe(valued.AsOf, "the stored valuation's own time");
        // By hand (SmallPortfolio): A to E are customers, revenue 1,000 of which A's 600; profit 270 of which B's 150.
        var pareto = JsonNode.Parse(answered["/api/portfolio/pareto"])!["analysis"]!;
        pareto["customers"]!.GetValue<int>().ShouldBe(5);
        pareto["revenueShareOfTop"]!.GetValue<decimal>().ShouldBe(0.6m);
        pareto["profitShareOfTop"]!.GetValue<decimal>().ShouldBe(0.5556m);
        // Names and emails, which the stored form does not hold, read from the profiles: E and F share eve@example.com.
        var quality = JsonNode.Parse(answered["/api/data-quality"])!["analysis"]!;
        quality["duplicates"]!["customerIds"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["E", "F"], ignoreOrder: true);
        quality["errors"]!["customers"]![0]!["customerId"]!.GetValue<string>().ShouldBe("C");
        answered["/api/portfolio/segments?members=10"].ShouldContain("Ann Able");

        // Its own valuation, let go, replaces it.
        await Waits.Until(() => valuations.LastReads is not null);
        valuations.AnswersFromStoredValuation.ShouldBeFalse();
        AsOfIn((await second.GetJson("/api/portfolio/pareto")).ToJsonString()).ShouldBeGreaterThan(valued.AsOf);
    }

    [Fact]
    public async Task a_valuation_stored_under_another_formula_is_not_answered_from()
    {
        await ValuedAndStoredAsync(portfolio.Host);
        var inForce = (await portfolio.Host.GetJson("/api/portfolio/pareto"))["formula"]!;
        var other = inForce["name"]!.GetValue<string>() == "simple-clv" ? "retention-ltv@0" : "simple-clv@0";
        await portfolio.Host.PostJson("/api/formulas/default", new { formula = other }, 200);
        try
        {
            await NothingIsAnsweredWhileTheSecondNodeValues();
        }
        finally
        {
            await portfolio.Host.PostJson("/api/formulas/default", new { formula = $"{inForce["name"]}@{inForce["version"]}" }, 200);
        }
    }

    [Theory]
    [InlineData("figures = '\\x0102030405'::bytea")]
    [InlineData("figures = substring(figures from 1 for length(figures) / 2)")]
    [InlineData("shape = shape + 1")]
    [InlineData("layout = 'db0,db1'")]
    public async Task a_valuation_stored_unreadable_or_for_another_shape_or_databases_is_not_answered_from(string change)
    {
        await ValuedAndStoredAsync(portfolio.Host);
        await ChangeTheStoredRow(change);
        var mark = portfolio.Captured.Mark();

        await NothingIsAnsweredWhileTheSecondNodeValues();

        if (change.StartsWith("figures"))
            portfolio.Captured.Since(mark).ShouldContain(e => e.Message.Contains("could not be read and is ignored"));
    }

    [Fact]
    public async Task a_valuation_stored_before_customers_not_valued_were_counted_answers_them_as_unknown()
    {
        var valued = await ValuedAndStoredAsync(portfolio.Host);
        (await portfolio.Host.GetJson("/api/portfolio/pareto"))["notValued"]!["customers"]!.GetValue<int>().ShouldBe(0);
        await ChangeTheStoredRow("not_valued = null");
        var answered = await ParetoOfASecondNodeStillValuing();

        answered["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(valued.AsOf);
        answered.AsObject().ContainsKey("notValued").ShouldBeTrue();
        answered["notValued"].ShouldBeNull("a node of before 2026-12-07 (afternoon) did not count them: not known, not 0");
    }

    [Fact]
    public async Task a_valuation_stored_before_the_ledgers_progress_was_noted_answers_it_as_unknown_and_one_after_as_noted()
    {
        var valued = await ValuedAndStoredAsync(portfolio.Host);
        // Valued over the caught-up ledgers of the seed: nothing behind, and the second node answers the same from the row.
        valued.LedgerProgress.ShouldNotBeNull().EventsBehind.ShouldBe(0);
        var progress = (await ParetoOfASecondNodeStillValuing())["ledgerProgress"]!;
        (progress["eventsBehind"]!.GetValue<long>(), progress["caughtUp"]!.GetValue<bool>(), progress["highWaterMark"]!.GetValue<long>())
            .ShouldBe((0L, true, valued.LedgerProgress.HighWaterMark));

        await ChangeTheStoredRow("ledger_progress = null");
        var answered = await ParetoOfASecondNodeStillValuing();

        answered["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(valued.AsOf);
        answered.AsObject().ContainsKey("ledgerProgress").ShouldBeTrue();
        answered["ledgerProgress"].ShouldBeNull("a node of before 2026-12-07 (late evening) did not note it: not known, not 0");
    }

    [Theory]
    [InlineData("Portfolio:LedgerCaughtUpWithin", "-1", "Portfolio:LedgerCaughtUpWithin must be a whole number of zero or more")]
    [InlineData("Portfolio:LedgerCaughtUpWithin", "a thousand", "Portfolio:LedgerCaughtUpWithin must be a whole number of zero or more")]
    [InlineData("Portfolio:StoredValuation", "yes", "Portfolio:StoredValuation must be \"on\" or \"off\"")]
    [InlineData("Portfolio:StoreValuationEvery", "30", "Portfolio:StoreValuationEvery must be a duration")]
    [InlineData("Portfolio:StoredValuationMaxAge", "1d", "Portfolio:StoredValuationMaxAge must be a duration of zero or more")]
    [InlineData("Portfolio:StoredValuationMaxAge", "-01:00:00", "Portfolio:StoredValuationMaxAge must be a duration of zero or more")]
    public async Task a_setting_it_cannot_read_stops_the_start_naming_it(string key, string value, string reason)
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => AppFixture.StartHost(portfolio.Schema, (key, value)));
        failure.Message.ShouldContain(reason);
    }

    /// <summary>The pareto answer of a second node whose own valuation is held: what it answers from the stored row.</summary>
    private async Task<JsonNode> ParetoOfASecondNodeStillValuing()
    {
        await using var second = await AppFixture.StartHost(portfolio.Schema, SecondNode("00:00:30"));
        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
            return await second.GetJson("/api/portfolio/pareto");
    }

    private async Task ChangeTheStoredRow(string change)
    {
        await using var connection = new Npgsql.NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var update = new Npgsql.NpgsqlCommand($"update {portfolio.Schema}.portfolio_valuations set {change}", connection);
        (await update.ExecuteNonQueryAsync()).ShouldBe(1, "the one stored valuation");
    }

    /// <summary>
    /// A second node, its own valuation held, has nothing it may answer from: 503, not a 500 nor the stored figures;
    /// let go, it answers from its own.
    /// </summary>
    private async Task NothingIsAnsweredWhileTheSecondNodeValues()
    {
        await using var second = await AppFixture.StartHost(portfolio.Schema, portfolio.Captured, SecondNode("00:00:02"));
        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            await second.Scenario(s =>
            {
                s.Get.Url("/api/portfolio/pareto");
                s.StatusCodeShouldBe(503);
            });
        }
        var valuations = second.Services.GetRequiredService<PortfolioBase>();
        await Waits.Until(() => valuations.LastReads is not null);
        valuations.AnswersFromStoredValuation.ShouldBeFalse();
        (await second.GetJson("/api/portfolio/pareto"))["analysis"]!["customers"]!.GetValue<int>().ShouldBe(5);
    }
}
