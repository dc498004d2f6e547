using System.Text;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Spectre draws a rule (the section headings of `describe`) across the console's whole width, and
/// written to a file that width is <see cref="RedirectedOutput.Width"/>: each heading was a line of
/// 8,192 columns. A run of rule characters that long can only be such a rule (a table's borders are
/// as wide as its columns), so it is cut to <see cref="RuleColumns"/>; everything else passes as written.
/// </summary>
public sealed class RulesCutShort(TextWriter output) : TextWriter
{
    public const int RuleColumns = 80;
    private const int LongerThanAnyTableBorder = RedirectedOutput.Width / 2;

    public override Encoding Encoding => output.Encoding;

    public override void Write(char value) => output.Write(value);

    public override void Write(string? value) => output.Write(value is null ? null : Cut(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush() => output.Flush();

    public static string Cut(string text)
    {
        var start = 0;
        StringBuilder? cut = null;
        for (var i = 0; i < text.Length;)
        {
            var end = i;
            while (end < text.Length && IsRule(text[end]) && text[end] == text[i]) end++;
            if (end - i > LongerThanAnyTableBorder)
            {
                cut ??= new StringBuilder(text.Length);
                cut.Append(text, start, i - start).Append(text[i], RuleColumns);
                start = end;
            }
            i = Math.Max(end, i + 1);
        }
        return cut is null ? text : cut.Append(text, start, text.Length - start).ToString();
    }

    private static bool IsRule(char c) => c is '─' or '━' or '═' or '-';
}
