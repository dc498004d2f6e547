using JasperFx.CommandLine;
using Spectre.Console;

namespace EventCrm.Host.Models;

public class RefitInput : NetCoreInput
{
    [Description("Business date to fit as of (default: now), e.g. 2025-06-30")]
    public DateTimeOffset? AsOfFlag { get; set; }
}

[Description("Refits the portfolio model (BG/NBD, Gamma-Gamma, retention, benchmarks) over the event store and records it", Name = "clv-refit")]
public class RefitCommand : JasperFxAsyncCommand<RefitInput>
{
    public override async Task<bool> Execute(RefitInput input)
    {
        using var host = input.BuildHost();
        var refit = host.Services.GetRequiredService<PortfolioRefit>();
        var fitted = await AnsiConsole.Status().StartAsync("Fitting the portfolio model over the event log...",
            _ => refit.RunAsync(input.AsOfFlag, CancellationToken.None));
        var m = fitted.Model;
        AnsiConsole.MarkupLine($"[green]Fitted over {fitted.Customers:N0} customers as of {fitted.AsOf:yyyy-MM-dd}[/]: " +
            $"retention {m.AnnualRetentionRate:P1}/year, BG/NBD {(m.Purchases is { } p ? $"r={p.R:F3} alpha={p.Alpha:F3} a={p.A:F3} b={p.B:F3}" : "not fitted")}, " +
            $"Gamma-Gamma {(m.Spend is { } s ? $"p={s.P:F3} q={s.Q:F3} gamma={s.Gamma:F3}" : "not fitted")}.");
        return true;
    }
}
