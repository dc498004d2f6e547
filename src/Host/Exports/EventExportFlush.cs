using System.IO.Pipelines;

namespace EventCrm.Host.Exports;

/// <summary>A flush of the export's output that ends the export when the client takes nothing of it in time.</summary>
public static class EventExportFlush
{
    public const int EventsPerFlush = 1000;

    public static async ValueTask<FlushResult> WithinAsync(PipeWriter output, TimeSpan? deadline, CancellationToken ct)
    {
        if (deadline is not { } within) return await output.FlushAsync(ct);
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stalled.CancelAfter(within);
        FlushResult flushed;
        try
        {
            flushed = await output.FlushAsync(stalled.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ExportReaderStalledException(within);
        }
        // Kestrel may answer a cancelled flush by aborting the connection rather than by throwing.
        return stalled.IsCancellationRequested && !ct.IsCancellationRequested ? throw new ExportReaderStalledException(within) : flushed;
    }
}
