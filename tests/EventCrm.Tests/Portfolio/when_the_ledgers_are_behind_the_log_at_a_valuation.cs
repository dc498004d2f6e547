using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// A node that runs no daemon: the ledgers it values are built by another node, started and stopped by the scenario, so
/// they stay where that node left them (as while the daemon of a node just started folds 215,000 events of a seed). It
/// stores every valuation that may be stored, and values the base only when asked or when the ledgers catch up.
/// </summary>
public sealed class LedgersBehindNode() : SchemaHost(SchemaName,
    ("Marten:Daemon", "off"), ("Portfolio:StoredValuation", "on"), ("Portfolio:StoreValuationEvery", "00:00:00"),
    ("Portfolio:RefreshAfter", "01:00:00"), ("Portfolio:LedgerCaughtUpWithin", "0"))
{
    public const string SchemaName = "eventcrm_portfolio_ledgers_behind";

    public PortfolioBase Portfolio => Host.Services.GetRequiredService<PortfolioBase>();
    public StoredValuations Stored => Host.Services.GetRequiredService<StoredValuations>();

    /// <summary>Another node over the same base, running the daemon: the ledgers follow the log while it runs.</summary>
    public Task<IAlbaHost> StartProjectingNode() => AppFixture.StartHost(SchemaName);

    public Task<long> RowsStored() => DataCommandLine.Count($"select count(*) from {Schema}.portfolio_valuations");
}

/// <summary>
/// At the first start after the demo seed, the portfolio answered "2 customers" for minutes: the valuation read the few
/// ledgers the daemon had built so far, answered from them as if they were the base, and stored them for the next nodes.
/// Each answer now says how far the ledgers had folded the log (ledgerProgress), such a valuation is not stored, and the
/// node values the base again as soon as the ledgers have caught up, without a request.
/// </summary>
public class when_the_ledgers_are_behind_the_log_at_a_valuation(LedgersBehindNode node) : IClassFixture<LedgersBehindNode>
{
    [Fact]
    public async Task the_answer_says_how_far_behind_it_is_stored_for_no_node_and_the_whole_base_is_valued_once_they_catch_up()
    {
        // Two customers folded into their ledgers by a node running the daemon, which then stops.
        await node.Host.PostTouchpoints(new[] { SignUp("folded-1", Jan1), SignUp("folded-2", Jan1) });
        await using (var projecting = await node.StartProjectingNode())
            await node.Store.CatchUp();

        // Three more, with a purchase each, while no daemon runs: 3 sign-ups + 3 purchases = 6 events not folded.
        await node.Host.PostTouchpoints(new[]
        {
            SignUp("unfolded-1", Jan1), Purchase("unfolded-1", Jan1.AddDays(1)),
            SignUp("unfolded-2", Jan1), Purchase("unfolded-2", Jan1.AddDays(1)),
            SignUp("unfolded-3", Jan1), Purchase("unfolded-3", Jan1.AddDays(1)),
        });
        var partial = await node.Portfolio.RevalueAsync();

        var pareto = await node.Host.GetJson("/api/portfolio/pareto");
        pareto["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(partial.AsOf);
        // Only the 2 customers folded are in it, and it says the 6 events after them were not.
        pareto["analysis"]!["customers"]!.GetValue<int>().ShouldBe(2);
        LedgerOf(pareto).ShouldBe((EventsBehind: 6L, CaughtUp: false));
        var progress = pareto["ledgerProgress"]!;
        (progress["highWaterMark"]!.GetValue<long>() - progress["position"]!.GetValue<long>()).ShouldBe(6);
        // Every portfolio answer carries it, the pages of a quadrant too.
        LedgerOf(await node.Host.GetJson("/api/portfolio/segments?members=5")).ShouldBe((6L, false));
        LedgerOf(await node.Host.GetJson("/api/portfolio/segments/low-value-low-potential/customers")).ShouldBe((6L, false));
        LedgerOf(await node.Host.GetJson("/api/data-quality")).ShouldBe((6L, false));

        // Not stored for the next nodes, which would answer 2 customers as the base; the node waits for the ledgers instead.
        await Task.Delay(500);
        (await node.RowsStored()).ShouldBe(0);
        node.Stored.LastStoredAsOf.ShouldBeNull();
        node.Portfolio.WaitingForLedgers.ShouldBeTrue();

        // A node running the daemon again: the ledgers catch up, and the node values the whole base by itself
        // (RefreshAfter is an hour, and no request asks meanwhile).
        await using var again = await node.StartProjectingNode();
        await node.Store.CatchUp();
        await Waits.Until(() => !node.Portfolio.WaitingForLedgers && !node.Portfolio.Valuing && node.Stored.LastStoredAsOf is not null,
            TimeSpan.FromSeconds(30));

        var whole = await node.Host.GetJson("/api/portfolio/pareto");
        whole["asOf"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(partial.AsOf);
        // 2 folded before + 3 folded now = 5 customers, nothing behind.
        whole["analysis"]!["customers"]!.GetValue<int>().ShouldBe(5);
        LedgerOf(whole).ShouldBe((0L, true));
        node.Stored.LastStoredAsOf.ShouldBe(whole["asOf"]!.GetValue<DateTimeOffset>());
        (await node.RowsStored()).ShouldBe(1);
    }

    private static (long EventsBehind, bool CaughtUp) LedgerOf(JsonNode answer) =>
        (answer["ledgerProgress"]!["eventsBehind"]!.GetValue<long>(), answer["ledgerProgress"]!["caughtUp"]!.GetValue<bool>());
}
