using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;
using static EventCrm.Tests.Portfolio.StoredValuationNodes;

namespace EventCrm.Tests.Portfolio;

/// <summary>The base of <see cref="SmallPortfolio"/> in a schema of its own, served by a node that stores its valuations.</summary>
public sealed class AgedStoredValuationPortfolio() : SmallPortfolio("eventcrm_portfolio_stored_aged", FirstNode);

/// <summary>
/// A stored valuation was answered from however old it was (a cluster down for a week answered week-old figures as if
/// fresh), and whatever model it was valued with (values of a model refitted since). A row older than
/// Portfolio:StoredValuationMaxAge (1 day by default) by the starting node's clock, or made with a model fitted before the
/// one in force, is now not answered from: the node values the base as before.
/// </summary>
public class when_a_node_starts_over_a_stored_valuation_that_is_old_or_of_an_earlier_model(AgedStoredValuationPortfolio portfolio)
    : IClassFixture<AgedStoredValuationPortfolio>, IAsyncLifetime
{
    /// <summary>
    /// No row of an earlier scenario: a node living a day ahead stores its own valuation as of tomorrow, and the first
    /// node's, older than that, would not be stored after it.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var delete = new Npgsql.NpgsqlCommand($"delete from {portfolio.Schema}.portfolio_valuations", connection);
        await delete.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task one_stored_more_than_a_day_before_the_nodes_clock_is_not_answered_from()
    {
        await ValuedAndStoredAsync(portfolio.Host);
        var (clock, logs) = (new ShiftedClock { Offset = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1) }, new CapturedLogs());
        await using var second = await SecondNodeAsync(clock, logs, "00:00:02");

        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
            await second.Scenario(s =>
            {
                s.Get.Url("/api/portfolio/pareto");
                s.StatusCodeShouldBe(503);
            });

        logs.Since(0).ShouldContain(e => e.Level == LogLevel.Information &&
            e.Message.Contains("is older than Portfolio:StoredValuationMaxAge (1.00:00:00) and is ignored"));
        await ItsOwnValuationIsAnswered(second);
    }

    [Fact]
    public async Task one_stored_just_less_than_a_day_before_the_nodes_clock_is_answered_from()
    {
        var valued = await ValuedAndStoredAsync(portfolio.Host);
        var clock = new ShiftedClock { Offset = TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1) };
        await using var second = await SecondNodeAsync(clock, new CapturedLogs(), "00:00:30");

        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
        {
            var pareto = await second.GetJson("/api/portfolio/pareto");
            AsOfIn(pareto.ToJsonString()).ShouldBe(valued.AsOf, "the stored valuation's own time, a day less a minute old");
            second.Services.GetRequiredService<PortfolioBase>().AnswersFromStoredValuation.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task one_stored_before_a_refit_is_not_answered_from_and_the_next_valuation_is_stored_at_once()
    {
        await ValuedAndStoredAsync(portfolio.Host);
        await portfolio.Host.PostJson("/api/models/refit", new { }, 201);
        var logs = new CapturedLogs();
        // Its own clock (the real one): the row is seconds old, well within StoreValuationEvery (30 min, the default).
        await using var second = await SecondNodeAsync(new ShiftedClock(), logs, "00:00:02");

        await using (await TableLock.Of(portfolio.Schema, "mt_doc_customerledger"))
            await second.Scenario(s =>
            {
                s.Get.Url("/api/portfolio/pareto");
                s.StatusCodeShouldBe(503);
            });

        logs.Since(0).ShouldContain(e => e.Message.StartsWith("No stored portfolio valuation under") && !e.Message.Contains("(none: the defaults)"));
        var own = await ItsOwnValuationIsAnswered(second);
        // The row of the earlier fit, seconds old, does not hold back the first valuation with the model now in force.
        var stored = second.Services.GetRequiredService<StoredValuations>();
        await Waits.Until(() => stored.LastStoredAsOf == own);
    }

    private Task<IAlbaHost> SecondNodeAsync(ShiftedClock clock, CapturedLogs logs, string firstWait) =>
        AppFixture.StartHost(portfolio.Schema, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<ILoggerProvider>(logs);
        }, SecondNode(firstWait));

    /// <summary>Let go, the node values the base itself and answers from that: the time of its own valuation.</summary>
    private static async Task<DateTimeOffset> ItsOwnValuationIsAnswered(IAlbaHost node)
    {
        var valuations = node.Services.GetRequiredService<PortfolioBase>();
        await Waits.Until(() => valuations.LastReads is not null);
        valuations.AnswersFromStoredValuation.ShouldBeFalse();
        var pareto = await node.GetJson("/api/portfolio/pareto");
        pareto["analysis"]!["customers"]!.GetValue<int>().ShouldBe(5);
        return AsOfIn(pareto.ToJsonString());
    }
}
