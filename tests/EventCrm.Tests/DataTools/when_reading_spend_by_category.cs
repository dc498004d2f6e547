using System.Globalization;
using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Marten.Events;
using Shouldly;

namespace EventCrm.Tests.DataTools;

public class when_reading_spend_by_category(SpendBase spend) : IClassFixture<SpendBase>
{
    // segment|category: revenue, margin, purchases, buyers, computed from SpendBase's table.
    private static readonly string[] Expected =
    [
        "enterprise|movers: 60 15 1 1",    // E, moved from no segment when its signup was recorded
        "enterprise|rollers: 500 100 1 1", // C
        "smb|movers: 230 85 2 2",          // A, and B's later purchase in a page of its own
        "smb|rollers: 220 60 3 2",         // A twice, B once: two buyers
        "-|movers: 40 10 1 1",             // D never signed up
    ];

    private async Task<string[]> Cells() => CellsOf(await spend.Host.GetJson("/api/portfolio/spend-by-category"));

    private static string[] CellsOf(JsonNode answer) => answer["cells"]!.AsArray().Select(Describe).ToArray();

    private static string Describe(JsonNode? c) => string.Create(CultureInfo.InvariantCulture,
        $"{c!["segment"]?.GetValue<string>() ?? "-"}|{c["category"]!.GetValue<string>()}: {c["revenue"]!.GetValue<decimal>():0.##} " +
        $"{c["margin"]!.GetValue<decimal>():0.##} {c["purchases"]!.GetValue<int>()} {c["buyers"]!.GetValue<int>()}");

    [Fact]
    public async Task revenue_margin_purchases_and_distinct_buyers_are_summed_per_segment_and_category()
    {
        (await Cells()).ShouldBe(Expected);
    }

    [Fact]
    public void the_running_daemon_files_a_purchase_under_the_segment_an_earlier_page_stored()
    {
        // As read before any test could rebuild the projection (a rebuild folds everything in one go).
        CellsOf(spend.CellsAsTheDaemonLeftThem).ShouldBe(Expected);
    }

    // Table identities: a blue/green rebuild swaps in new tables, both of the projection's documents at once.
    private static async Task<(long Cells, long Customers)> Tables() =>
        (await TableId("mt_doc_spendcell"), await TableId("mt_doc_customerspend"));

    private static Task<long> TableId(string table) => DataCommandLine.Count($"select '{SpendBase.SchemaName}.{table}'::regclass::oid::bigint");

    [Fact]
    public async Task a_rebuild_gives_the_same_cells_in_new_tables()
    {
        var before = await Tables();

        await spend.Host.PostJson("/api/projections/SpendByCategory/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(spend.Host, "SpendByCategory");
        await spend.Store.CatchUp();

        (await Cells()).ShouldBe(Expected);
        var after = await Tables();
        after.Cells.ShouldNotBe(before.Cells);
        after.Customers.ShouldNotBe(before.Customers);
    }
}
