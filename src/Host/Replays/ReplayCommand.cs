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
        if (FormulaRegistry.Malformed(input.FormulaFlag) is { } malformed) return Fail($"--formula: {malformed}");
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        var (registry, _) = await FormulaRegistryStore.LoadAsync(session, CancellationToken.None);
        if (registry.Resolve(input.FormulaFlag) is not { } formula) return Fail($"--formula: no formula '{input.FormulaFlag}' is registered");

        var (run, isNew) = await host.Services.GetRequiredService<ReplayRequests>().StartAsync(session, formula, asOf, CancellationToken.None, queued: false);
        await session.SaveChangesAsync();
        var engine = host.Services.GetRequiredService<ReplayEngine>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        await VerbProgress.Bars()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"Replaying under {formula}", maxValue: Math.Max(1, run.EventsTotal));
                // The same replay already running in a service or another command: follow it, for a
                // second engine would write the same customers; take over only if it stops moving.
                if (!isNew && RunningElsewhere(run, clock))
                {
                    task.Description = $"Following replay {run.Id}, running elsewhere, under {formula}";
                    // Deleted while followed: nothing to run here, and said below.
                    run = await FollowAsync(store, run, clock, r => task.Value = r.EventsDone) ?? run with { State = ReplayStates.Failed };
                }
                if (run.State == ReplayStates.Running) await engine.RunAsync(run.Id, r => task.Value = r.EventsDone, CancellationToken.None);
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

    /// <summary>A running replay writes its progress after every chunk of customers: one that moved within this long is alive.</summary>
    private static readonly TimeSpan Alive = TimeSpan.FromMinutes(1);

    private static bool RunningElsewhere(ReplayRun run, TimeProvider clock) =>
        run.State == ReplayStates.Running && clock.GetUtcNow() - run.UpdatedAt < Alive;

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
