using EventCrm.Host.Audit;
using Shouldly;

namespace EventCrm.Tests.Audit;

/// <summary>
/// `audit-verify 2&gt;err.txt` over two databases showed "Verifying streams (db0): 0%", or only db1's line, or nothing:
/// Spectre's bars print to a file only at their refreshes. Each database now tells its own lines, through to 100%.
/// </summary>
public class when_audit_verify_tells_its_progress_to_a_file
{
    [Fact]
    public void each_database_has_its_lines_at_each_tenth_passed_and_its_hundred_percent_before_the_next_starts()
    {
        var file = new StringWriter();
        var progress = new ProgressLinesPerDatabase(file);
        // db0: 1,200 streams in reads of 500: 500 is 41 % (the fourth tenth passed), 1,000 is 83 %, 1,200 is 100 %.
        progress.Starting("db0", 1_200);
        foreach (var chunk in new[] { 500, 500, 200 }) progress.Verified(chunk);
        // db1: no stream at all (nothing to verify says 0% then 100%); db2: 3 streams in one read.
        progress.Starting("db1", 0);
        progress.Starting("db2", 3);
        progress.Verified(3);
        progress.Done();

        file.ToString().ShouldBe(string.Join("", new[]
        {
            "(db0): 0%", "(db0): 41%", "(db0): 83%", "(db0): 100%", "(db1): 0%", "(db1): 100%", "(db2): 0%", "(db2): 100%",
        }.Select(line => $"Verifying streams {line}{Environment.NewLine}")));
    }

    [Fact]
    public void a_database_of_600_streams_is_read_a_tenth_at_a_time_and_tells_each_tenth()
    {
        // Read 500 at a time, 600 streams told "0%", "83%" (500 of 600) and "100%". A tenth of 600 is 60 streams a read:
        // 60 of 600 is 10 %, 120 is 20 %, ... 600 is 100 %.
        LogAudit.StreamsPerRead(600).ShouldBe(60);
        var file = new StringWriter();
        var progress = new ProgressLinesPerDatabase(file);
        progress.Starting("db1", 600);
        foreach (var read in Enumerable.Range(0, 600).Chunk(LogAudit.StreamsPerRead(600))) progress.Verified(read.Length);
        progress.Done();

        file.ToString().ShouldBe(string.Join("", Enumerable.Range(0, 11).Select(tenth => $"Verifying streams (db1): {tenth * 10}%{Environment.NewLine}")));
    }

    [Theory]
    [InlineData(12_000, 500)] // a tenth would be 1,200: reads stay at 500, each 4 % of the streams
    [InlineData(4_999, 499)] // a tenth, rounded down, so that no read passes more than one tenth
    [InlineData(9, 1)]       // under ten streams, one at a time: a line at each stream passing a tenth
    [InlineData(0, 1)]
    public void a_read_takes_a_tenth_of_a_databases_streams_and_500_at_most(int streams, int perRead) =>
        LogAudit.StreamsPerRead(streams).ShouldBe(perRead);
}
