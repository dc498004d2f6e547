using System.Text;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Reads RFC 4180 CSV row by row (quoted fields, doubled quotes, commas inside quotes), streaming,
/// with the line number of each row for error messages. Quoted line breaks are not supported:
/// transaction files have none, and refusing them keeps line numbers honest.
/// </summary>
public static class CsvRows
{
    public static IEnumerable<(int Line, string[] Fields)> Read(TextReader reader)
    {
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            yield return (line, Split(text, line));
        }
    }

    private static string[] Split(string text, int line)
    {
        if (!text.Contains('"')) return SplitUnquoted(text);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException($"line {line}: a quoted field is not closed before the line ends (a quoted field may not hold a line break)");
        fields.Add(field.ToString().Trim());
        return [.. fields];
    }

    // Most rows of a transaction file quote nothing: cut them at the commas, without copying character by character.
    private static string[] SplitUnquoted(string text)
    {
        var fields = text.Split(',');
        for (var i = 0; i < fields.Length; i++) fields[i] = fields[i].Trim();
        return fields;
    }
}
