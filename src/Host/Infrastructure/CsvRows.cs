using System.Text;

namespace EventCrm.Host.Infrastructure;

/// <summary>A row of a CSV file: its line number, its cells, and those of its cells whose quotes break RFC 4180.</summary>
public readonly record struct CsvRow(int Line, string[] Fields, IReadOnlyList<MisquotedCell> Misquoted);

/// <summary>
/// A cell whose double quotes RFC 4180 does not allow: one inside a cell not written in quotes
/// (<c>12" pipe</c>), or text after a quoted part's closing quote (<c>"Pat" Smith</c>). Its value
/// cannot be told for sure (<c>ord"7"</c> was read <c>ord7</c>, the same key as another row's), so
/// its row is refused rather than read one way or another.
/// </summary>
/// <param name="Index">The cell's position in its row, from 0.</param>
public sealed record MisquotedCell(int Index, bool TextAfterClosingQuote)
{
    private const string HowToWrite = "a cell holding a double quote is written in double quotes, each of its quotes doubled";

    public string Problem => TextAfterClosingQuote
        ? $"has text after its closing double quote: {HowToWrite} (\"Pat\" Smith as \"\"\"Pat\"\" Smith\")"
        : $"has a double quote but is not written in double quotes: {HowToWrite} (12\" pipe as \"12\"\" pipe\")";
}

/// <summary>
/// Reads RFC 4180 CSV row by row (quoted fields, doubled quotes, commas inside quotes), streaming,
/// with the line number of each row for error messages. Quoted line breaks are not supported:
/// transaction files have none, and refusing them keeps line numbers honest. A quote opens a quoted
/// field only as the field's first character (after blanks); a quote elsewhere is reported with
/// its cell (<see cref="MisquotedCell"/>), never dropped.
/// </summary>
public static class CsvRows
{
    public static IEnumerable<CsvRow> Read(TextReader reader)
    {
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            yield return text.Contains('"') ? Split(text, line) : new CsvRow(line, SplitUnquoted(text), []);
        }
    }

    private static CsvRow Split(string text, int line)
    {
        var fields = new List<string>();
        List<MisquotedCell>? misquoted = null;
        var field = new StringBuilder();
        for (var start = 0; ; )
        {
            var first = start;
            while (first < text.Length && text[first] != ',' && char.IsWhiteSpace(text[first])) first++;
            int end;
            if (first < text.Length && text[first] == '"')
            {
                field.Clear();
                var i = first + 1;
                for (; ; i++)
                {
                    if (i == text.Length)
                        throw new InvalidDataException($"line {line}: a quoted field is not closed before the line ends (a quoted field may not hold a line break)");
                    if (text[i] != '"') field.Append(text[i]);
                    else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                    else break;
                }
                end = IndexOfComma(text, i + 1);
                if (!text.AsSpan(i + 1, end - i - 1).IsWhiteSpace()) (misquoted ??= []).Add(new MisquotedCell(fields.Count, TextAfterClosingQuote: true));
                fields.Add(field.ToString().Trim());
            }
            else
            {
                end = IndexOfComma(text, start);
                var cell = text.AsSpan(start, end - start);
                if (cell.Contains('"')) (misquoted ??= []).Add(new MisquotedCell(fields.Count, TextAfterClosingQuote: false));
                fields.Add(cell.Trim().ToString());
            }
            if (end == text.Length) break;
            start = end + 1;
        }
        return new CsvRow(line, [.. fields], misquoted ?? []);
    }

    private static int IndexOfComma(string text, int from)
    {
        var at = text.IndexOf(',', from);
        return at < 0 ? text.Length : at;
    }

    // Most rows of a transaction file quote nothing: cut them at the commas, without copying character by character.
    private static string[] SplitUnquoted(string text)
    {
        var fields = text.Split(',');
        for (var i = 0; i < fields.Length; i++) fields[i] = fields[i].Trim();
        return fields;
    }
}
