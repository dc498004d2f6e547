using System.IO.Pipelines;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Telemetry;

namespace EventCrm.Host.Exports;

/// <summary>Writes the events of a filter to an output as they are read, flushing every few hundred kilobytes.</summary>
public sealed class EventExport(EventExportSource source, EventCrmMetrics metrics)
{
    private const int EventsPerFlush = EventExportFlush.EventsPerFlush;

    /// <summary>
    /// How long a client over HTTP may take a flush (1,000 events, some 400 KB) before the export is ended. Kestrel's
    /// MinResponseDataRate (240 B/s after 5 s) does not end a client that stops reading: it allows each flush its
    /// bytes / 240 s, added up, so once a few MB were buffered a client reading nothing kept its slot, and the
    /// snapshot's transaction (pinning vacuum's horizon), for hours. 60 s for 400 KB is 7 KB/s at the least.
    /// </summary>
    public const string FlushDeadlineKey = "Export:FlushDeadline";
    public static readonly TimeSpan DefaultFlushDeadline = TimeSpan.FromSeconds(60);

    /// <summary><see cref="FlushDeadlineKey"/>, more than zero, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static TimeSpan FlushDeadlineOf(IConfiguration configuration)
    {
        var deadline = Settings.Duration(configuration, FlushDeadlineKey, DefaultFlushDeadline);
        return deadline > TimeSpan.Zero ? deadline
            : throw new SettingRefusedException($"{FlushDeadlineKey} must be more than zero (e.g. {DefaultFlushDeadline:c}): a client must be given some time to read.");
    }

    public EventExportSource Source => source;

    /// <param name="flushDeadline">How long each flush may take before the export ends with <see cref="ExportReaderStalledException"/>; none: as long as it takes.</param>
    public async Task<long> WriteAsync(EventExportFilter filter, IEventExportFormat format, PipeWriter output,
        Action<long>? progress, CancellationToken ct, TimeSpan? flushDeadline = null)
    {
        await using var snapshot = await source.SnapshotAsync(filter, ct);
        return await WriteAsync(snapshot, format, output, progress, ct, flushDeadline);
    }

    /// <summary>What <paramref name="snapshot"/> holds: as many events as its count said.</summary>
    public async Task<long> WriteAsync(EventExportSnapshot snapshot, IEventExportFormat format, PipeWriter output,
        Action<long>? progress, CancellationToken ct, TimeSpan? flushDeadline = null)
    {
        format.WriteStart(output, snapshot.NamesDatabases);
        long written = 0;
        var formatName = format.ContentType == EventExportFormats.CsvContentType ? "csv" : "ndjson";
        await foreach (var e in snapshot.ReadAsync(ct))
        {
            format.Write(output, e);
            if (++written % EventsPerFlush != 0) continue;
            // Counted before the flush that sends them: a client can hold them all before it returns.
            metrics.Exported(EventsPerFlush, formatName);
            var flushed = await EventExportFlush.WithinAsync(output, flushDeadline, ct);
            if (flushed.IsCompleted || flushed.IsCanceled) return written;
            progress?.Invoke(written);
        }
        metrics.Exported(written % EventsPerFlush, formatName);
        await EventExportFlush.WithinAsync(output, flushDeadline, ct);
        progress?.Invoke(written);
        return written;
    }
}
