using System.IO.Pipelines;
using EventCrm.Host.Telemetry;

namespace EventCrm.Host.Exports;

/// <summary>Writes the events of a filter to an output as they are read, flushing every few hundred kilobytes.</summary>
public sealed class EventExport(EventExportSource source, EventCrmMetrics metrics)
{
    private const int EventsPerFlush = 1000;

    public EventExportSource Source => source;

    public async Task<long> WriteAsync(EventExportFilter filter, IEventExportFormat format, PipeWriter output,
        Action<long>? progress, CancellationToken ct)
    {
        await using var snapshot = await source.SnapshotAsync(filter, ct);
        return await WriteAsync(snapshot, format, output, progress, ct);
    }

    /// <summary>What <paramref name="snapshot"/> holds: as many events as its count said.</summary>
    public async Task<long> WriteAsync(EventExportSnapshot snapshot, IEventExportFormat format, PipeWriter output,
        Action<long>? progress, CancellationToken ct)
    {
        format.WriteStart(output);
        long written = 0;
        var formatName = format.ContentType == EventExportFormats.CsvContentType ? "csv" : "ndjson";
        await foreach (var e in snapshot.ReadAsync(ct))
        {
            format.Write(output, e);
            if (++written % EventsPerFlush != 0) continue;
            // Counted before the flush that sends them: a client can hold them all before it returns.
            metrics.Exported(EventsPerFlush, formatName);
            var flushed = await output.FlushAsync(ct);
            if (flushed.IsCompleted || flushed.IsCanceled) return written;
            progress?.Invoke(written);
        }
        metrics.Exported(written % EventsPerFlush, formatName);
        await output.FlushAsync(ct);
        progress?.Invoke(written);
        return written;
    }
}
