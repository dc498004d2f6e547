namespace EventCrm.Host.Rebuilds;

public enum RebuildStart { Started, AlreadyRebuilding, NotRunHere, NoDaemonHere }

/// <summary>
/// Rebuilds requested over HTTP, run in the background of this node while the service keeps
/// serving. Stopping the host cancels them before the take-over: the live documents stay, and
/// requesting the rebuild again starts a new build from scratch. The cancellation comes first in the stop
/// (<see cref="IHostedLifecycleService.StoppingAsync"/>), before the daemon's coordinator stops: what fails
/// afterwards is then known for a consequence of the stop, and recorded as such.
/// </summary>
public sealed class ProjectionRebuilds(ProjectionRebuilder rebuilder, ILogger<ProjectionRebuilds> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, Task> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _starting = new(1, 1);

    public async Task<RebuildStart> StartAsync(ProjectionInfo projection, CancellationToken ct)
    {
        await _starting.WaitAsync(ct);
        try
        {
            // Before the lock question: a rebuild command holds the projection's lock too, and the answer is then that it is being rebuilt.
            if (await rebuilder.RebuildingAnywhereAsync(projection, ct)) return RebuildStart.AlreadyRebuilding;
            Task? finishing;
            lock (_running) finishing = _running.GetValueOrDefault(projection.Name);
            // A rebuild of this node holds its claim from before it starts to after it records how it ended: with the claim
            // free, it has only its last lines to run (the status already says how it ended). Waited for, not refused.
            if (finishing is { IsCompleted: false }) await finishing.WaitAsync(ct);
            if (!projection.IsInline && !rebuilder.TakesLocks) return RebuildStart.NoDaemonHere;
            if (!await rebuilder.RunsHereAsync(projection)) return RebuildStart.NotRunHere;
            if (await rebuilder.BeginAsync(projection, ct) is not { } started) return RebuildStart.AlreadyRebuilding;
            var rebuild = Task.Run(() => RunAsync(projection, started), CancellationToken.None);
            lock (_running) _running[projection.Name] = rebuild;
            return RebuildStart.Started;
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task RunAsync(ProjectionInfo projection, ProjectionRebuild started)
    {
        try
        {
            await rebuilder.RunAsync(projection, started, serviceRunsIt: true, _stopping.Token);
            logger.LogInformation("Projection {Projection} rebuilt", projection.Name);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Already recorded as failed on the status resource; a background task has no caller to throw to.
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();
    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_running) running = [.. _running.Values];
        await Task.WhenAll(running).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
