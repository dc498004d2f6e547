using EventCrm.Host.Sharding;
using EventCrm.Relationship.Value;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using JasperFx.CommandLine;
using Spectre.Console;

namespace EventCrm.Host.Models;

public class RefitInput : NetCoreInput
{
    [Description("Business date to fit as of, yyyy-MM-dd (end of that day, UTC) or an ISO 8601 date and time; default now")]
    [FlagAlias("as-of", true)]
    public string? AsOfFlag { get; set; }
}

[Description("Refits the portfolio model (BG/NBD, Gamma-Gamma, retention, benchmarks) over the event store and records it", Name = "clv-refit")]
public class RefitCommand : DataVerb<RefitInput>
{
    protected override async Task<bool> Run(RefitInput input)
    {
        DateTimeOffset? asOf = null;
        if (input.AsOfFlag is { } text)
        {
            if (Values.Moments.Problem(text, out var moment) is { } problem)
                return CommandFailure.Report("clv-refit", $"--as-of: '{text}' is not a date or date and time; it {problem}");
            asOf = moment;
        }
        using var host = input.BuildHost();
        if (await CustomerDatabasePlaceCheck.RefusalAsync(host.Services) is { } layout) return CommandFailure.Report("clv-refit", layout);
        // As POST /api/models/refit: a model fitted as of a day to come would be recorded and used.
        // Today's date (its end) is now: the model cannot know what the rest of the day brings.
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (input.AsOfFlag is { } given && Values.Moments.PastProblem(given, now, out _) is { } future)
            return CommandFailure.Report("clv-refit", $"--as-of: '{given}' {future}; a model is fitted as of today or an earlier date");
        if (asOf > now) asOf = now;
        var refit = host.Services.GetRequiredService<PortfolioRefit>();
        PortfolioModelFitted fitted;
        try
        {
            fitted = await VerbProgress.Spinner().StartAsync("Fitting the portfolio model over the event log...",
                _ => refit.RunAsync(asOf, AppendContext.OfCommand("clv-refit"), CancellationToken.None));
        }
        catch (RefitOnNoPurchaseException e)
        {
            // As POST /api/models/refit answers 422: nothing recorded, nothing put in force.
            return CommandFailure.Report("clv-refit", $"{(input.AsOfFlag is null ? "" : "--as-of: ")}{e.Message}");
        }
        var m = fitted.Model;
        AnsiConsole.MarkupLine($"[green]Fitted over {fitted.Customers:N0} customers as of {fitted.AsOf:yyyy-MM-dd}[/]: " +
            $"retention {m.AnnualRetentionRate:P1}/year, BG/NBD {(m.Purchases is { } p ? $"r={p.R:F3} alpha={p.Alpha:F3} a={p.A:F3} b={p.B:F3}" : "not fitted")}, " +
            $"Gamma-Gamma {(m.Spend is { } s ? $"p={s.P:F3} q={s.Q:F3} gamma={s.Gamma:F3}" : "not fitted")}.");
        return true;
    }
}
