using Marten;

namespace EventCrm.Host.Schema;

/// <summary>
/// Runs <see cref="ConcurrentIndexBuilds"/> as the Host starts, in <see cref="StartingAsync"/>: before any hosted
/// service's StartAsync, so before Marten's (ApplyAllDatabaseChangesOnStartup) whatever order they were added in.
/// </summary>
public sealed class ConcurrentIndexBuildsAtStart(IDocumentStore store, ILogger<ConcurrentIndexBuildsAtStart> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) =>
        ConcurrentIndexBuilds.BuildMissingOnExistingTablesAsync(store, logger, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
