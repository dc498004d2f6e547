using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Imports;

/// <summary>
/// The import file's columns (docs/import.md): the four every touchpoint has, then any of the
/// fields of the touchpoint types. A row is read by <see cref="TouchpointReader"/>, the API's own
/// reader, through <see cref="CsvTouchpointFields"/>, so an import judges a row's values by the rules
/// of POST /api/touchpoints; its cells are read as a spreadsheet writes them (trimmed, numbers such
/// as +5 or .5, flags in any case: docs/import.md). An empty cell is a field not given.
/// </summary>
public sealed class TouchpointCsv
{
    public static readonly IReadOnlyList<string> Required = ["type", "touchpointId", "customerId", "occurredAt"];
    public static readonly IReadOnlyList<string> Fields =
    [
        "name", "email", "source", "segment", "channel", "acquisitionCost", "orderId", "amount", "margin", "category",
        "durationMinutes", "cost", "reason", "resolved", "purpose", "promotionId", "discountAmount",
        // The answers to retention offers (a CRM where the desk works sends them): without it the
        // reader names their types as valid, then every such row lacks its offerId.
        "offerId",
        // The request a cancellation-withdrawn withdraws.
        "cancellationTouchpointId",
    ];
    /// <summary>
    /// The longest line a file may hold: a row's longest possible cells (ids of 100 and 200
    /// characters, labels of 200, an email of 254, free text of 500; three UTF-8 bytes a UTF-16
    /// unit, every character a doubled quote) come to about 8 KB. A longer line refuses the file
    /// as it is read, before it is held whole (docs/import.md).
    /// </summary>
    public const int MaxLineBytes = 64 * 1024;
    private static readonly HashSet<string> Numbers = ["acquisitionCost", "amount", "margin", "durationMinutes", "cost", "discountAmount"];
    private static readonly HashSet<string> Flags = ["resolved"];

    private readonly Dictionary<string, int> _index;

    private TouchpointCsv(string[] columns)
    {
        Columns = columns;
        _index = columns.Select((column, i) => (column, i)).ToDictionary(c => c.column, c => c.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Columns { get; }

    public int? IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : null;

    public static bool IsNumberColumn(string column) => Numbers.Contains(column);

    public static bool IsFlagColumn(string column) => Flags.Contains(column);

    public static (TouchpointCsv? Csv, string? Error) FromHeader(string[] header, IReadOnlyList<MisquotedCell>? misquoted = null)
    {
        if (misquoted is { Count: > 0 })
            return (null, $"line 1: {string.Join("; ", misquoted.Select(m => $"header cell {m.Index + 1} {m.Problem}"))}");
        if (SeparatedBy(header, ';'))
            return (null, "line 1: the columns are separated by ';' (a spreadsheet saved with a European list separator): " +
                "save the file comma-separated, with a dot in numbers (1234.50)");
        if (SeparatedBy(header, '\t'))
            return (null, "line 1: the columns are separated by tabs (a spreadsheet's \"Text (Tab delimited)\"): save the file as CSV, comma-separated");
        // Before the empty cells: a file without its header has data cells for names, empty ones among
        // them, and "remove columns 5, 6" would have its rows' data deleted.
        if (HeaderMissing(header))
            return (null, $"line 1: the header line seems to be missing: line 1 reads as a row{TypeNamed(header)}, not as column names. " +
                $"Put the header first, naming each column: {string.Join(",", Required)} (required), then those of the fields the rows give, " +
                $"of {string.Join(",", Fields)} (docs/import.md)");
        // A spreadsheet saves the empty cells right of the last column as ",,": name where they are, not "unknown column ''".
        var unnamed = header.Select((c, i) => (c, i)).Where(c => c.c.Length == 0).Select(c => c.i + 1).ToList();
        if (unnamed.Count > 0)
            return (null, $"line 1: column(s) {string.Join(", ", unnamed)} have no name (empty header cells, as a spreadsheet leaves after " +
                "the last column): remove them from every line");
        var unknown = header.Where(c => !Known(c)).ToList();
        if (unknown.Count > 0)
            return (null, $"line 1: unknown column(s) {string.Join(", ", unknown.Select(Unknown))}; columns are {string.Join(",", Required.Concat(Fields))}");
        var missing = Required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0) return (null, $"line 1: missing column(s) {string.Join(", ", missing)}");
        var repeated = header.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) return (null, $"line 1: column(s) {string.Join(", ", repeated)} appear more than once");
        return (new TouchpointCsv(header), null);
    }

    private static bool Known(string column) => Required.Contains(column) || Fields.Contains(column);

    private static bool KnownInAnyCase(string column) => Required.Concat(Fields).Any(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));

    private static bool IsTouchpointType(string cell) => TouchpointTypes.ByName.ContainsKey(cell.ToLowerInvariant());

    /// <summary>
    /// A first line that names no column (in any case), or names fewer columns than it holds
    /// touchpoint types or other cells: a data row where the header should be. A header with a
    /// misspelt name or two keeps its "unknown column" message.
    /// </summary>
    private static bool HeaderMissing(string[] header)
    {
        var named = header.Count(KnownInAnyCase);
        return named == 0 || (header.Any(IsTouchpointType) && named * 2 < header.Count(c => c.Length > 0));
    }

    private static string TypeNamed(string[] header) =>
        header.FirstOrDefault(IsTouchpointType) is { } type ? $" ('{type}', where the header names its columns, is a touchpoint type)" : "";

    /// <summary>An unknown column, with the known one it differs from only in case ("'Type' (write 'type': ...)").</summary>
    private static string Unknown(string column) =>
        Required.Concat(Fields).FirstOrDefault(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase)) is { } known
            ? $"'{column}' (write '{known}': column names are case-sensitive)"
            : $"'{column}'";

    /// <summary>A header of one cell that reads as columns when cut at <paramref name="separator"/> (Excel with a European list separator, or tabs).</summary>
    private static bool SeparatedBy(string[] header, char separator) =>
        header.Length == 1 && header[0].Split(separator) is { Length: > 1 } cells && cells.Any(c => Known(c.Trim().Trim('"')));

    /// <summary>The row's touchpoint, or every reason it is not one ("amount: must be a number").</summary>
    public (ParsedTouchpoint? Touchpoint, IReadOnlyList<string> Reasons) Read(string[] cells, DateTimeOffset now) => Read(cells, [], now);

    /// <summary>
    /// The row's touchpoint, or every reason it is not one; a row with a misquoted cell is refused
    /// for that cell alone, named by its column: what the cell holds cannot be told for sure.
    /// </summary>
    public (ParsedTouchpoint? Touchpoint, IReadOnlyList<string> Reasons) Read(string[] cells, IReadOnlyList<MisquotedCell> misquoted, DateTimeOffset now)
    {
        if (misquoted.Count > 0)
            return (null, misquoted.Select(m => $"{(m.Index < Columns.Count ? Columns[m.Index] : $"cell {m.Index + 1}")}: {m.Problem}").ToList());
        if (cells.Length != Columns.Count) return (null, [$"has {cells.Length} cells where the header has {Columns.Count}"]);
        var (touchpoint, errors) = TouchpointReader.Read(new CsvTouchpointFields(this, cells), now);
        return (touchpoint, errors.Count == 0 ? [] : errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}").ToList());
    }
}
