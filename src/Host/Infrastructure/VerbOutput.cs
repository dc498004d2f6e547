using System.Text;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// JasperFx ends its search for verbs with an empty line on standard output, before any verb runs
/// (and its help writes another before the list): every verb's output began with a blank line, and
/// the JSON audit-anchor printed was no longer byte for byte the file its --out wrote. Line breaks
/// written before any text are dropped; from the first text on, everything passes unchanged.
/// </summary>
public static class VerbOutput
{
    /// <summary>Before anything is written: Spectre's console takes standard output's writer when first used.</summary>
    public static void StartsAtItsFirstText() => Console.SetOut(new WithoutLeadingLineBreaks(Console.Out));

    private sealed class WithoutLeadingLineBreaks(TextWriter output) : TextWriter
    {
        private bool _textWritten;

        public override Encoding Encoding => output.Encoding;
        public override IFormatProvider FormatProvider => output.FormatProvider;

        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));
        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));
        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(ReadOnlySpan<char> text)
        {
            if (!_textWritten)
            {
                text = text.TrimStart("\r\n");
                if (text.IsEmpty) return;
                _textWritten = true;
            }
            output.Write(text);
        }

        public override void Flush() => output.Flush();
    }
}
