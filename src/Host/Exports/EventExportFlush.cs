using System.IO.Pipelines;

namespace EventCrm.Host.Exports;

/// <summary>A flush of the export's output that ends the export when the client takes nothing of it in time.</summary>
public static class EventExportFlush
{
    public const int EventsPerFlush = 1000;

    public static async ValueTask<FlushResult> WithinAsync(PipeWriter output, TimeSpan? deadline, CancellationToken ct)
    {
        if (deadline is not { } within) return await output.FlushAsync(ct);
        // A timer of its own: Kestrel may answer the cancelled flush by aborting the connection, which cancels ct
        // too, and the export must still be said to have ended for its stalled client, not for a client gone.
        using var timer = new CancellationTokenSource(within);
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        FlushResult flushed;
        try
        {
            flushed = await output.FlushAsync(stalled.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            throw new ExportReaderStalledException(within);
        }
        // Kestrel may also answer it by aborting the connection and returning, rather than by throwing.
        return timer.IsCancellationRequested ? throw new ExportReaderStalledException(within) : flushed;
    }
}
