using System.Threading.Channels;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Ingestion;

namespace EventCrm.Host.Imports;

/// <summary>A batch of an import file: its valid rows (indexed by line number), its invalid ones, how far into the file it ends.</summary>
public sealed record ImportBatch(List<IncomingTouchpoint> Valid, List<ImportLineError> Invalid, double Position);

/// <summary>
/// Reads an import file in batches, ahead of their use: the next batches are parsed (CSV cells,
/// then the touchpoint reader) on another core while the current one waits on the database.
/// Batches arrive in file order; a file-level error (header, quoting) comes after the batches
/// before it, as when the file was read in step.
/// </summary>
public static class ImportBatches
{
    private const int ReadAhead = 2;

    /// <summary>
    /// A batch goes on past its size, by up to this many rows, to the end of its last customer's
    /// run of rows: in a file sorted by customer, consecutive batches then share no customer and
    /// can be appended side by side (<see cref="ImportAppendPass"/>).
    /// </summary>
    public const int CustomerRunAllowance = 100;

    /// <summary>Why a line whose bytes are not UTF-8 is refused, rather than read with U+FFFD in place of its characters.</summary>
    public const string NotUtf8 = "not UTF-8 (a byte that is no UTF-8 character, as in a Latin-1 or Windows-1252 file): save the file as UTF-8";

    /// <summary>Why a file that begins with a UTF-16 byte order mark is refused: named as what it is, not as Latin-1.</summary>
    public const string Utf16 = "the file is UTF-16 (a spreadsheet's \"Unicode Text\"), not UTF-8: save it as \"CSV UTF-8 (comma delimited)\"";

    /// <summary>Hands every batch to <paramref name="handle"/> until it answers false; answers a file-level error or null.</summary>
    public static async Task<string?> ForEachAsync(ImportSource source, DateTimeOffset now, int batchSize, Func<int, bool> skip,
        Func<ImportBatch, Task<bool>> handle, CancellationToken ct)
    {
        var batches = Channel.CreateBounded<ImportBatch>(ReadAhead);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = Task.Run(() => ReadAsync(source, now, batchSize, skip, batches.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
                if (!await handle(batch)) return null;
            return await reading;
        }
        finally
        {
            await stop.CancelAsync();
            await reading.ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private static async Task<string?> ReadAsync(ImportSource source, DateTimeOffset now, int batchSize, Func<int, bool> skip,
        ChannelWriter<ImportBatch> batches, CancellationToken ct)
    {
        try
        {
            await using var file = source.Open();
            using var reader = new Utf8Lines(file, TouchpointCsv.MaxLineBytes);
            TouchpointCsv? csv = null;
            var (valid, invalid) = (new List<IncomingTouchpoint>(batchSize + CustomerRunAllowance), new List<ImportLineError>());
            foreach (var (line, cells, misquoted) in CsvRows.Read(reader))
            {
                if (csv is null)
                {
                    if (reader.StartsWithUtf16Mark) return $"line {line}: {Utf16}";
                    if (reader.LastLineNotUtf8) return $"line {line}: {NotUtf8}";
                    var (header, error) = TouchpointCsv.FromHeader(cells, misquoted);
                    if (header is null) return error;
                    csv = header;
                    continue;
                }
                if (skip(line)) continue;
                var (touchpoint, reasons) = reader.LastLineNotUtf8 ? (null, [NotUtf8]) : csv.Read(cells, misquoted, now);
                if (touchpoint is null)
                {
                    invalid.Add(new ImportLineError(line, string.Join("; ", reasons), LineErrorKind.Invalid));
                    // A file of bad lines only is handed on in batches too, not held whole.
                    if (invalid.Count >= batchSize)
                    {
                        await batches.WriteAsync(new ImportBatch(valid, invalid, (double)file.Position / Math.Max(file.Length, 1)), ct);
                        (valid, invalid) = (new List<IncomingTouchpoint>(batchSize + CustomerRunAllowance), []);
                    }
                    continue;
                }
                if (valid.Count >= batchSize && (valid.Count >= batchSize + CustomerRunAllowance || touchpoint.CustomerId != valid[^1].CustomerId))
                {
                    await batches.WriteAsync(new ImportBatch(valid, invalid, (double)file.Position / Math.Max(file.Length, 1)), ct);
                    (valid, invalid) = (new List<IncomingTouchpoint>(batchSize + CustomerRunAllowance), []);
                }
                valid.Add(new IncomingTouchpoint(line, touchpoint.CustomerId, touchpoint.Touchpoint));
            }
            if (csv is null) return "the file is empty: the first line must be the header";
            if (valid.Count > 0 || invalid.Count > 0) await batches.WriteAsync(new ImportBatch(valid, invalid, 1), ct);
            return null;
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the file cannot be read: {e.Message}";
        }
        finally
        {
            batches.TryComplete();
        }
    }
}
