using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EventCrm.Host.Exports;

/// <summary>How exported events are written: one line per event, straight into the output buffer.</summary>
public interface IEventExportFormat
{
    string ContentType { get; }

    /// <param name="namesDatabases">Whether each row names its database (the log spans several): CSV says so in its header.</param>
    void WriteStart(IBufferWriter<byte> output, bool namesDatabases);
    void Write(IBufferWriter<byte> output, ExportedEvent e);
}

public static class EventExportFormats
{
    public const string NdjsonContentType = "application/x-ndjson";
    public const string CsvContentType = "text/csv";

    public static IEventExportFormat? Named(string? name, bool spreadsheetSafe = false) => name?.ToLowerInvariant() switch
    {
        null or "" or "ndjson" => new NdjsonFormat(),
        "csv" => new CsvFormat(spreadsheetSafe),
        _ => null,
    };
}

/// <summary>One JSON object per line (application/x-ndjson); data is the event's own JSON, copied as is.</summary>
public sealed class NdjsonFormat : IEventExportFormat
{
    // Relaxed escaping: an export is data, not HTML, so "+01:00" stays readable.
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private Utf8JsonWriter? _writer;

    public string ContentType => EventExportFormats.NdjsonContentType;

    public void WriteStart(IBufferWriter<byte> output, bool namesDatabases) { }

    public void Write(IBufferWriter<byte> output, ExportedEvent e)
    {
        if (_writer is null) _writer = new Utf8JsonWriter(output, Options);
        else _writer.Reset(output);
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("sequence", e.Sequence);
        // Only over several databases, where a sequence number alone names no event: a single database's rows are as before.
        if (e.Database is not null) w.WriteString("database", e.Database);
        w.WriteString("customerId", e.CustomerId);
        w.WriteNumber("version", e.Version);
        w.WriteString("type", e.Type);
        w.WriteString("touchpointId", e.TouchpointId);
        w.WriteString("occurredAt", e.OccurredAt);
        w.WriteString("recordedAt", e.RecordedAt);
        w.WriteString("appendedBy", e.AppendedBy);
        w.WriteString("correlationId", e.CorrelationId);
        w.WriteString("causationId", e.CausationId);
        w.WritePropertyName("data");
        w.WriteRawValue(e.Data, skipInputValidation: true);
        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }
}

/// <summary>
/// RFC 4180 CSV with a header line; data is the event's JSON in one quoted column. Spreadsheet-safe,
/// a cell a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage
/// return: a caller's correlation id, say) gets a leading apostrophe; otherwise every value is as
/// stored, for the tools that read it back.
/// </summary>
public sealed class CsvFormat(bool spreadsheetSafe = false) : IEventExportFormat
{
    public const string Header = "sequence,customerId,version,type,touchpointId,occurredAt,recordedAt,appendedBy,correlationId,causationId,data";

    /// <summary>Over several databases: the database last, so that a reader taking the columns by place finds the others where they were.</summary>
    public const string HeaderNamingDatabases = Header + ",database";
    private readonly StringBuilder _row = new(512);
    private readonly Encoder _utf8 = new UTF8Encoding(false).GetEncoder();

    public string ContentType => EventExportFormats.CsvContentType;

    public void WriteStart(IBufferWriter<byte> output, bool namesDatabases) => Encode(output, (namesDatabases ? HeaderNamingDatabases : Header) + "\n");

    public void Write(IBufferWriter<byte> output, ExportedEvent e)
    {
        _row.Clear();
        _row.Append(e.Sequence).Append(',');
        Cell(e.CustomerId).Append(',').Append(e.Version).Append(',');
        Cell(e.Type).Append(',');
        Cell(e.TouchpointId).Append(',');
        Cell(e.OccurredAt).Append(',');
        Cell(e.RecordedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)).Append(',');
        Cell(e.AppendedBy).Append(',');
        Cell(e.CorrelationId).Append(',');
        Cell(e.CausationId).Append(',');
        Cell(e.Data, alwaysQuote: true);
        if (e.Database is not null) _row.Append(',').Append(e.Database);
        _row.Append('\n');
        Encode(output, _row);
    }

    private StringBuilder Cell(string? value, bool alwaysQuote = false)
    {
        if (value is null) return _row;
        if (spreadsheetSafe && value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        if (!alwaysQuote && value.AsSpan().IndexOfAny(",\"\r\n") < 0) return _row.Append(value);
        return _row.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }

    private void Encode(IBufferWriter<byte> output, StringBuilder text)
    {
        // A long row spans several of the builder's chunks, and a character outside the basic plane
        // (two UTF-16 units) can straddle two: the encoder keeps the first half for the next chunk.
        foreach (var chunk in text.GetChunks())
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length + 1));
            output.Advance(_utf8.GetBytes(chunk.Span, span, flush: false));
        }
        output.Advance(_utf8.GetBytes(ReadOnlySpan<char>.Empty, output.GetSpan(4), flush: true));
    }

    private static void Encode(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
