using EventCrm.Host.Sharding;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Value;
using EventCrm.Host.Formulas;
using EventCrm.Host.Values;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace EventCrm.Host.Replays;

public class ReplayInput : NetCoreInput
{
    [Description("The formula to replay under, as name@version (a bare name: its latest version)")]
    public string FormulaFlag { get; set; } = "";

    [Description("Value as of this business date (yyyy-MM-dd: end of that day, UTC) or date and time; default now")]
    [FlagAlias("as-of", true)]
    public string? AsOfFlag { get; set; }

    [Description("Finish this replay (its id), interrupted or failed, after the last customer it wrote, under its own formula and date")]
    [FlagAlias("resume", true)]
    public string? ResumeFlag { get; set; }
}

[Description("Replays every customer's value history under a formula, beside the live values, then prints the differences", Name = "replay")]
public class ReplayCommand : DataVerb<ReplayInput>
{
    protected override async Task<bool> Run(ReplayInput input)
    {
        DateTimeOffset? asOf = null;
        if (input.AsOfFlag is { } text)
        {
            if (Moments.Problem(text, out var parsed) is { } problem) return Fail($"--as-of: '{text}' is not a date or date and time; it {problem}");
            if (Moments.PastProblem(text, DateTimeOffset.UtcNow, out _) is { } future) return Fail($"--as-of: '{text}' {future}");
            asOf = parsed;
        }
        if (input.ResumeFlag is not null && (input.FormulaFlag != "" || input.AsOfFlag is not null))
            return Fail("--resume: the replay keeps its own formula and date; leave out --formula and --as-of");
        if (input.ResumeFlag is null && FormulaRegistry.Malformed(input.FormulaFlag) is { } malformed) return Fail($"--formula: {malformed}");
        using var host = input.BuildHost();
        if (await CustomerDatabasePlaceCheck.RefusalAsync(host.Services) is { } layout) return Fail(layout);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        await using var session = store.LightweightSession();
        ReplayRun run;
        bool isNew;
        if (input.ResumeFlag is { } resumed)
        {
            if (await session.LoadAsync<ReplayRun>(resumed) is not { } found) return Fail($"--resume: no replay '{resumed}'");
            (run, isNew) = (found, false);
            // Failed, or left by a command that was killed: this command computes it now (one still moving elsewhere is followed below).
            if (found.State == ReplayStates.Failed || found.InterruptedAt(clock.GetUtcNow(), await ReplayStorage.ComputedByAsync(session, found.Id, CancellationToken.None)))
            {
                (run, isNew) = (found with { State = ReplayStates.Running, Error = null, Queued = false, UpdatedAt = clock.GetUtcNow() }, true);
                session.Store(run);
            }
        }
        else
        {
            var (registry, _) = await FormulaRegistryStore.LoadAsync(session, CancellationToken.None);
            if (registry.Resolve(input.FormulaFlag) is not { } chosen) return Fail($"--formula: no formula '{input.FormulaFlag}' is registered");
            (run, isNew) = await host.Services.GetRequiredService<ReplayRequests>().StartAsync(session, chosen, asOf, CancellationToken.None, queued: false);
            if (isNew) await OfferInterruptedAsync(session, run, clock);
        }
        await session.SaveChangesAsync();
        var formula = run.Formula;
        var engine = host.Services.GetRequiredService<ReplayEngine>();
        // The same replay already running in a service or another command: follow it, for a second engine would write
        // the same customers; take over only if it stops moving.
        async Task RunOrFollow(Action<string> describe, Action<long> report)
        {
            if (!isNew && RunningElsewhere(run, clock))
            {
                describe($"Following replay {run.Id}, running elsewhere, under {formula}");
                // Deleted while followed: nothing to run here, and said below.
                run = await FollowAsync(store, run, clock, r => report(r.EventsDone)) ?? run with { State = ReplayStates.Failed };
            }
            if (run.State == ReplayStates.Running) await engine.RunAsync(run.Id, r => report(r.EventsDone), CancellationToken.None);
        }

        if (VerbProgress.ToPipeOrFile)
        {
            // Whole lines, as the import's and the export's: Spectre's, a second apart, stopped short of 100%.
            var lines = VerbProgress.Lines($"Replaying under {formula}", run.EventsTotal);
            await RunOrFollow(Console.Error.WriteLine, lines.Report);
            lines.Done();
        }
        else
            await VerbProgress.Bars()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Replaying under {formula}", maxValue: Math.Max(1, run.EventsTotal));
                    await RunOrFollow(description => task.Description = description, done => task.Value = done);
                    task.Value = task.MaxValue;
                });

        await using var query = store.QuerySession();
        // Deleted meanwhile (DELETE /api/replays/{id}): nothing left to show.
        if (await query.LoadAsync<ReplayRun>(run.Id) is not { } done) return Fail($"replay {run.Id} was deleted while it ran");
        if (done.State != ReplayStates.Completed) return Fail($"replay {run.Id} {done.State}: {done.Error}");
        var diff = await host.Services.GetRequiredService<ReplayResultQueries>().DiffAsync(run.Id, null, 1, 10, CancellationToken.None);
        AnsiConsole.MarkupLine($"Replay [bold]{run.Id}[/] of {done.EventsDone:N0} events ({done.EventsPerSecond:N0}/s) under {formula} as of {done.AsOf:yyyy-MM-dd}: " +
                               $"{diff.Changed:N0} of {diff.Customers:N0} customers differ from the live values ({done.LiveFormula}), {diff.TierChanges:N0} change tier" +
                               (done.CustomersNotComputable > 0 ? $"; {done.CustomersNotComputable:N0} cannot be valued under {formula} (counted as 0)." : "."));
        var table = new Table().AddColumns("customer", "replayed", "live", "difference", "tier");
        foreach (var item in diff.Items)
            table.AddRow(Markup.Escape(item.CustomerId), $"{item.Replayed:N2}", $"{item.Against:N2}", $"{item.Difference:N2}",
                item.TierChanged ? $"{item.AgainstTier} -> {item.ReplayedTier}" : item.ReplayedTier);
        AnsiConsole.Write(table);
        return true;
    }

    private static bool RunningElsewhere(ReplayRun run, TimeProvider clock) =>
        run.State == ReplayStates.Running && clock.GetUtcNow() - run.UpdatedAt < ReplayRun.Alive;

    /// <summary>
    /// A new run of a formula and date whose earlier run was interrupted (its command killed; over a log that
    /// grew since, it has another id): said before starting anew, with the command that would finish it.
    /// </summary>
    private static async Task OfferInterruptedAsync(IDocumentSession session, ReplayRun run, TimeProvider clock)
    {
        var (name, version, requested) = (run.Formula.Name, run.Formula.Version, run.RequestedAsOf);
        var unfinished = await session.Query<ReplayRun>()
            .Where(r => r.State == ReplayStates.Running && !r.Queued && r.Formula.Name == name && r.Formula.Version == version && r.Id != run.Id)
            .OrderByDescending(r => r.StartedAt).ToListAsync();
        foreach (var earlier in unfinished.Where(r => r.RequestedAsOf == requested))
        {
            if (!earlier.InterruptedAt(clock.GetUtcNow(), await ReplayStorage.ComputedByAsync(session, earlier.Id, CancellationToken.None))) continue;
            Console.Error.WriteLine($"replay: replay {earlier.Id} of {run.Formula} (as of {earlier.AsOf:yyyy-MM-dd HH:mm:ss}) was interrupted after {earlier.CustomersDone:N0} customers " +
                                    $"({earlier.EventsDone:N0} of {earlier.EventsTotal:N0} events); `replay --resume {earlier.Id}` finishes it. Starting a new replay {run.Id} over the log as it is now.");
            return;
        }
    }

    /// <summary>The run once it stops moving elsewhere; null if it was deleted meanwhile.</summary>
    private static async Task<ReplayRun?> FollowAsync(IDocumentStore store, ReplayRun run, TimeProvider clock, Action<ReplayRun> progress)
    {
        while (RunningElsewhere(run, clock))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await using var query = store.QuerySession();
            if (await query.LoadAsync<ReplayRun>(run.Id) is not { } now) return null;
            run = now;
            progress(run);
        }
        return run;
    }

    private static bool Fail(string message) => CommandFailure.Report("replay", message);
}
