using System.Text;
using EventCrm.Host.Infrastructure;
using Shouldly;

namespace EventCrm.Tests.DataTools;

public class when_reading_lines_strictly_as_utf8
{
    private static List<(string Line, bool NotUtf8)> Read(byte[] bytes)
    {
        using var reader = new Utf8Lines(new MemoryStream(bytes));
        var lines = new List<(string, bool)>();
        while (reader.ReadLine() is { } line) lines.Add((line, reader.LastLineNotUtf8));
        return lines;
    }

    [Fact]
    public void a_latin1_line_is_flagged_and_the_lines_around_it_are_not()
    {
        var bytes = Encoding.UTF8.GetBytes("Zoë\n").Concat(Encoding.Latin1.GetBytes("Zoë\n")).Concat(Encoding.UTF8.GetBytes("Bo")).ToArray();

        Read(bytes).ShouldBe([("Zoë", false), ("Zo\uFFFD", true), ("Bo", false)]);
    }

    [Fact]
    public void a_byte_order_mark_is_skipped_and_crlf_cr_and_lf_each_end_one_line()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("a\r\nb\rc\n\nd\r\n")).ToArray();

        Read(bytes).Select(l => l.Line).ShouldBe(["a", "b", "c", "", "d"]);
    }

    [Fact]
    public void a_crlf_cut_by_the_end_of_the_buffer_is_still_one_line_break_and_a_line_longer_than_the_buffer_is_read_whole()
    {
        // The buffer holds 65,536 bytes: the "\r" is its last byte, the "\n" comes with the next read.
        var first = new string('x', 65_535);
        var longer = new string('y', 200_000);

        Read(Encoding.UTF8.GetBytes($"{first}\r\n{longer}\nz")).Select(l => l.Line).ShouldBe([first, longer, "z"]);
    }
}
