using EventCrm.Host.Infrastructure;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Written to a file, a rebuild's progress said "0%" and then nothing until "Rebuilt": the rebuild command polls
/// its position every half second and tells a line each time it passes another tenth.
/// </summary>
public class when_a_rebuild_tells_its_progress_to_a_file
{
    [Fact]
    public void a_line_is_written_at_each_tenth_passed_and_one_at_the_end()
    {
        var file = new StringWriter();
        var lines = new ProgressLines("Rebuilding CustomerLedger", 4_477, file, stepPercent: 10);
        // Positions polled along a rebuild of 4,477 events: 300 is 6 % (no tenth passed), 900 is 20.1 % (the second
        // tenth: one line, with the percentage reached), 1,000 is 22.3 % (still the second), 3,600 is 80.4 %.
        foreach (var position in new long[] { 300, 900, 1_000, 3_600, 4_477 }) lines.Report(position);
        lines.Done();

        file.ToString().ShouldBe(string.Join("", new[] { "0%", "20%", "80%", "100%" }.Select(p => $"Rebuilding CustomerLedger: {p}{Environment.NewLine}")));
    }
}
