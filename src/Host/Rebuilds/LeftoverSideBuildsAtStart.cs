namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Once the service has started, drops what rebuilds killed mid-way left behind
/// (<see cref="LeftoverSideBuilds"/>), instead of keeping a second copy of a projection's
/// documents until its next rebuild, which may never come. Each projection's leftovers are
/// dropped under its rebuild claim; a claim held elsewhere is a rebuild still running on another
/// node or in a command, whose side schema is in use: it is left alone, and said so.
/// </summary>
public sealed class LeftoverSideBuildsAtStart(ProjectionCatalog catalog, LeftoverSideBuilds leftovers, RebuildClaims claims,
    IHostApplicationLifetime lifetime, ILogger<LeftoverSideBuildsAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After the start: the schema is migrated by then, and serving does not wait for this.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        foreach (var projection in catalog.All.Where(p => !p.IsInline))
        {
            try
            {
                await DropAsync(projection, stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Never a reason to stop the service: the next rebuild of the projection drops them too.
                logger.LogWarning("Could not look for what killed rebuilds of {Projection} left behind ({Reason}); its next rebuild drops it",
                    projection.Name, e.Message);
            }
        }
    }

    private async Task DropAsync(ProjectionInfo projection, CancellationToken ct)
    {
        // A look first, so that a start claims nothing when nothing was left (the usual case).
        if (!await leftovers.AnyAsync(projection, ct)) return;
        await using var claim = await claims.TryClaimAsync(projection.Name, ct);
        if (claim is null)
        {
            logger.LogInformation("The side build of {Projection} ({Schema}) is left alone: another process (a node or a rebuild command) is rebuilding " +
                                  "the projection right now", projection.Name, leftovers.SideSchemaOf(projection));
            return;
        }
        // No rebuild begins here: a status has no record to wait for (it shows the last rebuild as running meanwhile).
        await claim.BegunAsync();
        await leftovers.DropAsync(projection, "at start", ct);
    }
}
