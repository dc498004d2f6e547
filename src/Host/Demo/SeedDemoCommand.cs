using EventCrm.Host.Sharding;
using Bogus;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Host.Touchpoints;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace EventCrm.Host.Demo;

public class SeedDemoInput : NetCoreInput
{
    // Long name only: its first letter is NetCoreInput's -c, --contentroot.
    [Description("How many demo customers to create (default 6000)")]
    [FlagAlias("customers", true)]
    public int CustomersFlag { get; set; } = 6000;

    [Description("Seed of the random generator, for a reproducible base (default 2024)")]
    public int SeedFlag { get; set; } = 2024;

    // Long name only: its first letter is NetCoreInput's -e, --environment.
    [Description("Exit code when a base is already there and nothing was seeded (default 0), for a script that must tell")]
    [FlagAlias("exit-code-when-present", true)]
    public int ExitCodeWhenPresentFlag { get; set; }
}

[Description("Seeds a realistic demo base (customers over three years of touchpoints) unless one is already there", Name = "seed-demo")]
public class SeedDemoCommand : DataVerb<SeedDemoInput>
{
    private const int BatchSize = 1000;

    protected override async Task<bool> Run(SeedDemoInput input)
    {
        if (input.CustomersFlag < 1)
            return CommandFailure.Report("seed-demo", $"--customers must be at least 1, not {input.CustomersFlag}");
        if (input.ExitCodeWhenPresentFlag is < 0 or > 125 or 1)
            return CommandFailure.Report("seed-demo", $"--exit-code-when-present must be 0 or from 2 to 125 (1 is a failure), not {input.ExitCodeWhenPresentFlag}");
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        if (await CustomerDatabasePlaceCheck.RefusalAsync(host.Services) is { } layout)
            return CommandFailure.Report("seed-demo", layout);

        await using var claim = await SeedingClaim.ClaimAsync(store,
            () => AnsiConsole.MarkupLine("[yellow]Another seed-demo is seeding this base: waiting for it to finish...[/]"), CancellationToken.None);
        var seeding = await DemoSeeding.LoadAsync(store, CancellationToken.None);
        if (seeding.Finished)
        {
            AnsiConsole.MarkupLine("[grey]Demo base already present: nothing to seed.[/]");
            return VerbExitCode.Success(input.ExitCodeWhenPresentFlag);
        }
        if (seeding.Started is null)
        {
            var existing = (await host.Services.GetRequiredService<CustomerDatabases>()
                .InEachAsync(session => session.Query<CustomerProfile>().CountAsync())).Sum();
            if (existing > 0)
            {
                AnsiConsole.MarkupLine($"[grey]A base is already present ({existing:N0} customers): nothing to seed.[/]");
                return VerbExitCode.Success(input.ExitCodeWhenPresentFlag);
            }
        }

        // An interrupted seeding is finished as it began (its date, size and random seed): the
        // touchpoints already stored come back as repeats, the others are appended.
        var started = seeding.Started ?? new DemoSeedingStarted(new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero), input.CustomersFlag, input.SeedFlag);
        if (seeding.Started is null) await DemoSeeding.RecordAsync(store, started, CancellationToken.None);
        else
            AnsiConsole.MarkupLine($"[yellow]Finishing the demo seeding begun for {started.Customers:N0} customers up to {started.End:yyyy-MM-dd} (seed {started.Seed}), " +
                                   "which was interrupted.[/]");

        var appender = host.Services.GetRequiredService<TouchpointAppender>();
        var end = started.End;
        var generator = new DemoCustomerGenerator(new Faker("en") { Random = new Randomizer(started.Seed) }, end.AddYears(-3), end);
        var stored = new StoredTouchpoints();

        await VerbProgress.Bars()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("Seeding demo customers", maxValue: started.Customers);
                var batch = new List<IncomingTouchpoint>();
                for (var number = 1; number <= started.Customers; number++)
                {
                    batch.AddRange(generator.Generate(number));
                    if (batch.Count >= BatchSize || number == started.Customers)
                    {
                        stored.Add(await Append(appender, batch));
                        batch.Clear();
                        task.Value = number;
                    }
                }
            });

        stored.Add(await Append(appender, [.. SeedStories.For(end)]));
        await EventTableStatistics.RefreshAsync(store, CancellationToken.None);
        AnsiConsole.MarkupLine($"[green]Seeded {started.Customers:N0} customers and {stored.Total:N0} touchpoints from {end.AddYears(-3):yyyy-MM-dd} to {end:yyyy-MM-dd}.[/]");
        if (stored.Repeated > 0)
            AnsiConsole.MarkupLine($"[grey]Of these, {stored.Appended:N0} were appended now and {stored.Repeated:N0} had been stored by the interrupted seeding.[/]");

        await VerbProgress.Spinner().StartAsync("Fitting the portfolio model (BG/NBD, Gamma-Gamma, retention, benchmarks)...",
            _ => host.Services.GetRequiredService<PortfolioRefit>().RunAsync(null, AppendContext.OfCommand("seed-demo"), CancellationToken.None));
        AnsiConsole.MarkupLine("[green]Portfolio model fitted.[/]");
        await DemoSeeding.RecordAsync(store, new DemoSeedingFinished(DateTimeOffset.UtcNow), CancellationToken.None);
        return true;
    }

    private static async Task<AppendOutcome> Append(TouchpointAppender appender, List<IncomingTouchpoint> batch)
    {
        var indexed = batch.Select((t, i) => t with { Index = i }).ToList();
        var outcome = await appender.AppendAsync(indexed, new AppendContext("import", "seed-demo", "seed-demo"), CancellationToken.None);
        if (!outcome.Accepted)
            throw new InvalidOperationException($"The demo generator produced touchpoints the store refused: {string.Join("; ", outcome.Rejections.Take(3).Select(r => r.Reason))}");
        return outcome;
    }

    /// <summary>
    /// The touchpoints of the base: a resumed seeding appends only those the interrupted one had not
    /// stored, the others come back as repeats. The summary counts both, as the base now holds them.
    /// </summary>
    private sealed class StoredTouchpoints
    {
        public int Appended { get; private set; }
        public int Repeated { get; private set; }
        public int Total => Appended + Repeated;

        public void Add(AppendOutcome outcome)
        {
            Appended += outcome.Appended;
            Repeated += outcome.Repeated;
        }
    }
}
