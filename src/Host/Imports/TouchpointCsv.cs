using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EventCrm.Host.Touchpoints;

namespace EventCrm.Host.Imports;

/// <summary>
/// The import file's columns (docs/import.md): the four every touchpoint has, then any of the
/// fields of the touchpoint types. A row becomes the JSON object the HTTP API would receive and
/// goes through <see cref="TouchpointJson.Read"/>, so an import accepts exactly what
/// POST /api/touchpoints accepts. An empty cell is a field not given.
/// </summary>
public sealed class TouchpointCsv
{
    public static readonly IReadOnlyList<string> Required = ["type", "touchpointId", "customerId", "occurredAt"];
    public static readonly IReadOnlyList<string> Fields =
    [
        "name", "email", "source", "segment", "channel", "acquisitionCost", "orderId", "amount", "margin", "category",
        "durationMinutes", "cost", "reason", "resolved", "purpose", "promotionId", "discountAmount",
    ];
    private static readonly HashSet<string> Numbers = ["acquisitionCost", "amount", "margin", "durationMinutes", "cost", "discountAmount"];
    private static readonly HashSet<string> Booleans = ["resolved"];

    private enum CellKind { Text, Number, Boolean }

    private readonly string[] _columns;
    private readonly CellKind[] _kinds;
    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private readonly Utf8JsonWriter _writer;

    private TouchpointCsv(string[] columns)
    {
        _columns = columns;
        _kinds = columns.Select(c => Numbers.Contains(c) ? CellKind.Number : Booleans.Contains(c) ? CellKind.Boolean : CellKind.Text).ToArray();
        _writer = new Utf8JsonWriter(_json);
    }

    public static (TouchpointCsv? Csv, string? Error) FromHeader(string[] header)
    {
        var unknown = header.Where(c => !Required.Contains(c) && !Fields.Contains(c)).ToList();
        if (unknown.Count > 0)
            return (null, $"line 1: unknown column(s) {string.Join(", ", unknown.Select(c => $"'{c}'"))}; columns are {string.Join(",", Required.Concat(Fields))}");
        var missing = Required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0) return (null, $"line 1: missing column(s) {string.Join(", ", missing)}");
        var repeated = header.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) return (null, $"line 1: column(s) {string.Join(", ", repeated)} appear more than once");
        return (new TouchpointCsv(header), null);
    }

    /// <summary>The row's touchpoint, or every reason it is not one ("amount: must be a number").</summary>
    public (ParsedTouchpoint? Touchpoint, IReadOnlyList<string> Reasons) Read(string[] cells, DateTimeOffset now)
    {
        if (cells.Length != _columns.Length) return (null, [$"has {cells.Length} cells where the header has {_columns.Length}"]);

        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        for (var i = 0; i < cells.Length; i++)
        {
            if (cells[i].Length == 0) continue;
            _writer.WritePropertyName(_columns[i]);
            WriteCell(_writer, _kinds[i], cells[i]);
        }
        _writer.WriteEndObject();
        _writer.Flush();

        using var row = JsonDocument.Parse(_json.WrittenMemory);
        var (touchpoint, errors) = TouchpointJson.Read(row.RootElement, now);
        return (touchpoint, errors.Count == 0 ? [] : errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}").ToList());
    }

    // A cell that is not a number (or boolean) where one is expected stays a string, so the
    // touchpoint reader reports it in the same words as it does for the HTTP API.
    private static void WriteCell(Utf8JsonWriter writer, CellKind kind, string cell)
    {
        if (kind == CellKind.Number && decimal.TryParse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var number))
            writer.WriteNumberValue(number);
        else if (kind == CellKind.Boolean && bool.TryParse(cell, out var flag))
            writer.WriteBooleanValue(flag);
        else
            writer.WriteStringValue(cell);
    }
}
