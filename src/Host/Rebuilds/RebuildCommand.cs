using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace EventCrm.Host.Rebuilds;

public class RebuildInput : NetCoreInput
{
    [Description("Name of the projection to rebuild (see GET /api/projections), e.g. CustomerLedger")]
    public string? ProjectionFlag { get; set; }

    [Description("No longer needed (the inline profiles are rebuilt in place, with or without a running service); accepted and ignored")]
    public bool OfflineFlag { get; set; }
}

[Description("Rebuilds one projection from the event log, with progress", Name = "rebuild")]
public class RebuildCommand : DataVerb<RebuildInput>
{
    protected override async Task<bool> Run(RebuildInput input)
    {
        using var host = input.BuildHost();
        // The catalog is the store's configuration: a name it lacks is refused before the database is touched (the schema
        // check took ~20 s of a loaded machine before the refusal).
        var catalog = host.Services.GetRequiredService<ProjectionCatalog>();
        if (string.IsNullOrWhiteSpace(input.ProjectionFlag) || catalog.Find(input.ProjectionFlag) is not { } projection)
            return Fail($"--projection must name one of: {catalog.Names}");
        if (!projection.IsInline && SideBuilds.CannotBuild(projection) is { } cannot)
            return Fail(cannot);
        await host.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        if (await CustomerDatabasePlaceCheck.RefusalAsync(host.Services) is { } layout) return Fail(layout);

        var rebuilder = host.Services.GetRequiredService<ProjectionRebuilder>();
        // Before the lock: another rebuild command holds the projection's lock as a service does, and it is not a service.
        if (await rebuilder.RebuildingAnywhereAsync(projection, CancellationToken.None))
            return Fail(AlreadyRebuilding(projection));
        if (!projection.IsInline && !rebuilder.TakesLocks)
            return Fail($"Marten:Daemon=off: this process takes no projection lock, so it cannot keep a running service off '{projection.Name}' " +
                "during the rebuild. Run the command without that setting.");
        if (!await rebuilder.TakeAsync(projection, CancellationToken.None))
            return Fail($"A running service ({await HolderAsync(host, projection)}) holds '{projection.Name}': use POST /api/projections/{projection.Name}/rebuild " +
                "on that node, or stop the service first.");

        var status = host.Services.GetRequiredService<ProjectionStatusReader>();
        // Ctrl-C or SIGTERM stops the rebuild as a node's graceful stop does (recorded as stopped, the new build dropped),
        // instead of ending the process where it stands (kill -9's leftovers, the record "rebuilding" until found dead).
        using var stop = new GracefulStop();
        ProjectionRebuild? begun = null;
        try
        {
            if (await rebuilder.BeginAsync(projection, CancellationToken.None) is not { } started)
                return Fail(AlreadyRebuilding(projection));
            begun = started;
            var rebuild = rebuilder.RunAsync(projection, started, serviceRunsIt: false, stop.Token);
            var total = Math.Max(started.Customers ?? started.TargetHighWaterMark, 1);
            if (VerbProgress.ToPipeOrFile)
            {
                // Spectre's lines, to a pipe or a file, said "0%" and then nothing until "Rebuilt" (a 5 s rebuild of
                // 4,477 events): a line each tenth, and one when a customer held by another transaction holds it up.
                var lines = VerbProgress.Lines($"Rebuilding {projection.Name}", total, stepPercent: 10);
                string? toldWaiting = null;
                while (await Task.WhenAny(rebuild, Task.Delay(500)) != rebuild)
                {
                    var (done, waiting) = await ProgressOf(status, projection);
                    lines.Report(done);
                    if (waiting is not null && waiting != toldWaiting) Console.Error.WriteLine($"Rebuilding {projection.Name}: {waiting}");
                    toldWaiting = waiting;
                }
                await rebuild;
                lines.Done();
            }
            else
                await VerbProgress.Bars()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"Rebuilding {projection.Name}", maxValue: total);
                        while (await Task.WhenAny(rebuild, Task.Delay(500)) != rebuild)
                        {
                            var (done, waiting) = await ProgressOf(status, projection);
                            task.Value = done;
                            task.Description = Markup.Escape(waiting is null ? $"Rebuilding {projection.Name}" : $"Rebuilding {projection.Name}: {waiting}");
                        }
                        await rebuild;
                        task.Value = task.MaxValue;
                    });
        }
        catch (Exception) when (stop.Signal is { } signal && begun is not null)
        {
            // Recorded as stopped, its side build dropped, by the rebuilder as the cancellation unwound it.
            var rebuild = (await status.ReadAsync(projection, CancellationToken.None)).LastRebuild;
            Console.Error.WriteLine($"rebuild: stopped by {signal}: {StoppedLine(projection, rebuild)}");
            return VerbExitCode.Success(GracefulStop.ExitCodeOf(signal));
        }
        finally
        {
            await rebuilder.ReleaseAsync(projection);
        }
        AnsiConsole.MarkupLine($"[green]Rebuilt {Markup.Escape(projection.Name)}.[/]");
        return true;
    }


    /// <summary>How far the rebuild is (customers, or the log's position), and which customers hold it up, if any.</summary>
    private static async Task<(long Done, string? Waiting)> ProgressOf(ProjectionStatusReader status, ProjectionInfo projection)
    {
        var now = await status.ReadAsync(projection, CancellationToken.None);
        var done = projection.IsInline ? now.LastRebuild?.CustomersRebuilt ?? 0 : now.Position ?? 0;
        // A customer held by another transaction holds the rebuild up: the line says which one.
        var waiting = now.LastRebuild?.WaitingOn is { Count: > 0 } held
            ? $"waiting on customer {string.Join(", ", held.Take(3))} (locked by another transaction)"
            : null;
        return (done, waiting);
    }

    /// <summary>What a stopped rebuild leaves: nothing of a new build beside the live documents; profiles rebuilt or not, each complete.</summary>
    private static string StoppedLine(ProjectionInfo projection, RebuildView? rebuild) => projection.IsInline
        ? $"the profiles of {rebuild?.CustomersRebuilt ?? 0} of {rebuild?.Customers ?? 0} customers were rebuilt, the others not yet; every profile is " +
          $"complete (rebuilt, or as before) and nothing else is left. Run `rebuild --projection {projection.Name}` again to rebuild them all."
        : $"the new build of {projection.Name} was dropped in every database (its schema and progress row): nothing of it is left, and the live " +
          $"documents stay as they were. Run `rebuild --projection {projection.Name}` again to rebuild it.";

    private static async Task<string> HolderAsync(IHost host, ProjectionInfo projection) =>
        ProjectionLocks.Named(await host.Services.GetRequiredService<ProjectionLocks>().HoldersAsync(projection, CancellationToken.None)) ?? "a node that has just let it go";

    private static string AlreadyRebuilding(ProjectionInfo projection) =>
        $"'{projection.Name}' is already being rebuilt, by a service or another rebuild command (GET /api/projections/{projection.Name} follows it).";

    private static bool Fail(string message) => CommandFailure.Report("rebuild", message);
}
