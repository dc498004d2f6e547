using EventCrm.Host.Infrastructure;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The statistics keeper's rule (EventTableSize), worked by hand: pages now, pages and live rows at
/// the last analysis (-1 rows: never analyzed), committed rows now.
/// </summary>
public class when_deciding_whether_the_events_table_needs_analyzing
{
    [Theory]
    // Never analyzed: from 500 pages on.
    [InlineData(499, 0, -1, 7_000, false)]
    [InlineData(500, 0, -1, 0, true)]
    // Analyzed at 600 pages with 9,000 rows: again at 1,200 pages, whatever the counters say.
    [InlineData(1_199, 600, 9_000, 18_000, false)]
    [InlineData(1_200, 600, 9_000, 9_000, true)]
    // Analyzed at 600 pages finding no live row (a write in flight): again once 500 rows are committed.
    [InlineData(600, 600, 0, 0, false)]
    [InlineData(600, 600, 0, 499, false)]
    [InlineData(600, 600, 0, 500, true)]
    // Finding 300 rows in 600 pages is as thin; 600 rows in 600 pages is not.
    [InlineData(700, 600, 300, 2_300, true)]
    // 67,000 pages left by a rolled-back write of a million rows, 1,000 live at the last analysis:
    // a few rows more bring no analysis (not one every check), twice as many do.
    [InlineData(67_000, 67_000, 1_000, 1_001, false)]
    [InlineData(67_000, 67_000, 1_000, 1_999, false)]
    [InlineData(67_000, 67_000, 1_000, 2_000, true)]
    [InlineData(700, 600, 600, 2_600, false)]
    // A thin analysis of a table still under 500 pages waits for 500, as a first one does.
    [InlineData(450, 400, 0, 3_000, false)]
    public void the_keeper_analyzes_when_the_table_doubled_or_its_last_analysis_found_it_nearly_empty(
        long pages, long analyzedPages, double analyzedRows, long liveRows, bool analyzes) =>
        new EventTableSize(pages, analyzedPages, analyzedRows, liveRows).NeedsAnalysis.ShouldBe(analyzes);
}
