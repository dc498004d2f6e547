using System.Globalization;
using System.Text.RegularExpressions;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;

namespace EventCrm.Host.Imports;

/// <summary>
/// The fields of one row of an import file, read as the API reads the JSON object the row stands
/// for: an empty cell is a field not given; a cell of a number column that reads as a number is a
/// number, of the <c>resolved</c> column that reads as true or false a flag, and any other cell is
/// text, which a number or flag field then refuses in the API's words ("must be a number").
/// </summary>
public sealed partial class CsvTouchpointFields(TouchpointCsv csv, string[] cells) : TouchpointFields
{
    private const NumberStyles NumberCell = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
    private readonly bool[] _taken = new bool[cells.Length];

    protected override (string? Text, string? Problem) TakeText(string name)
    {
        if (Take(name) is not { } cell) return (null, null);
        return AsNumber(name, cell) is not null || AsFlag(name, cell) is not null ? (null, "must be a string") : (cell, null);
    }

    protected override (decimal? Number, string? Problem) TakeDecimal(string name)
    {
        if (Take(name) is not { } cell) return (null, null);
        if (AsNumber(name, cell) is not { } number) return (null, NotANumber(cell));
        return ExactDecimals.Keeps(cell, number) ? (number, null) : (null, NotKeptExactly);
    }

    // A JSON number is a whole number when it is written without a fraction: a decimal of scale 0.
    protected override (int? Number, string? Problem) TakeInt(string name)
    {
        if (Take(name) is not { } cell) return (null, null);
        if (AsNumber(name, cell) is not { } number) return (null, WrittenAsANumber().IsMatch(cell) ? NotAWholeNumber : "must be a number");
        return number.Scale == 0 && number is >= int.MinValue and <= int.MaxValue ? ((int)number, null) : (null, NotAWholeNumber);
    }

    protected override (bool? Flag, string? Problem) TakeBool(string name)
    {
        if (Take(name) is not { } cell) return (null, null);
        return AsFlag(name, cell) is { } flag ? (flag, null) : (null, "must be true or false");
    }

    protected override IEnumerable<string> Untaken()
    {
        for (var i = 0; i < cells.Length; i++)
            if (!_taken[i] && cells[i].Length > 0) yield return csv.Columns[i];
    }

    private string? Take(string name)
    {
        if (csv.IndexOf(name) is not { } i) return null;
        _taken[i] = true;
        return cells[i].Length > 0 ? cells[i] : null;
    }

    private decimal? AsNumber(string name, string cell) =>
        TouchpointCsv.IsNumberColumn(name) && decimal.TryParse(cell, NumberCell, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>
    /// Written as a number but beyond a decimal's 28 digits (1e300, 32 digits): "is out of range", as
    /// the API says of the same JSON number, rather than "must be a number" to someone who wrote one.
    /// </summary>
    private static string NotANumber(string cell) => WrittenAsANumber().IsMatch(cell) ? "is out of range" : "must be a number";

    // The fraction's digits only after its point: \d+\.?\d* tried every split of a run of digits,
    // and a cell of 60,000 digits and a letter took a minute of CPU (line limit 64 KB, per cell).
    // Run without backtracking too, so that no later edit of the pattern can bring that back.
    // [0-9], not \d: \d takes every Unicode digit (１２ full-width, ١٢ Arabic-Indic), which decimal.TryParse
    // does not read, and "is out of range" was said of cells that are no number at all.
    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$", RegexOptions.NonBacktracking)]
    private static partial Regex WrittenAsANumber();

    private static bool? AsFlag(string name, string cell) =>
        TouchpointCsv.IsFlagColumn(name) && bool.TryParse(cell, out var flag) ? flag : null;
}
