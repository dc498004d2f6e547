namespace EventCrm.Host.Imports;

/// <summary>
/// At start, removes the import spools a process killed mid-import left with a name in <see cref="ImportSpoolFolder"/>:
/// a version before 2026-12-07 (late night) kept the name until the import ended, and this one for the instant between
/// creating its spool and unlinking it. A spool another process may still be using is left: one written to in the
/// last hour (an older node's upload), or one held open (an older node's import reading it, or this version's in that
/// instant: no other opening can take it, which is how the sweep tells).
/// </summary>
public sealed class ImportSpoolSweep(IConfiguration configuration, ILogger<ImportSpoolSweep> logger) : IHostedService
{
    public static readonly TimeSpan LeftAlone = TimeSpan.FromHours(1);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = ImportSpoolFolder.Of(configuration);
        var removed = 0;
        try
        {
            foreach (var path in Directory.EnumerateFiles(folder, $"{ImportSpool.Prefix}*.csv"))
                if (TryRemove(path)) removed++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not look for import spools left in {Folder} ({Reason})", folder, e.Message);
        }
        if (removed > 0)
            logger.LogWarning("Removed {Count} import spool(s) left in {Folder} by processes that stopped mid-import: each held the names and emails of an upload",
                removed, folder);
        return Task.CompletedTask;
    }

    private bool TryRemove(string path)
    {
        try
        {
            // The file system's clock, not the service's business clock (a scenario's may be set to another year).
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < LeftAlone) return false;
            // Held while deleting: no process opens it between the look and the deletion.
            using var alone = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Open elsewhere, or gone meanwhile: not this start's to remove.
            return false;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
