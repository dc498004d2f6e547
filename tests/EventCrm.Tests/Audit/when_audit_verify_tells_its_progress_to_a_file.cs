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
        // db0: 1,200 streams read 500 at a time: 500 is 41 % (the fourth tenth passed), 1,000 is 83 %, 1,200 is 100 %.
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
}
