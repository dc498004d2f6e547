namespace EventCrm.Host.Portfolio;

/// <summary>
/// Starts the node's first valuation of the base as soon as the node has started, in the background, instead of
/// with the first portfolio request: after a deploy that request waited up to <c>Portfolio:FirstValuationWait</c> and
/// was then answered 503 for as long as a valuation takes (about 5 minutes at a million customers). The start neither
/// waits for it nor fails with it: a valuation that fails (the database out of reach) is logged, and the next
/// portfolio request starts one, as before. <c>Portfolio:ValueAtStart=off</c> leaves it to that first request.
/// </summary>
public sealed class PortfolioValuationAtStart(PortfolioBase portfolio, IConfiguration configuration, IHostApplicationLifetime lifetime)
    : IHostedService
{
    public const string ValueAtStartKey = "Portfolio:ValueAtStart";

    public static bool ValuesAtStart(IConfiguration configuration) => Infrastructure.Settings.OnOff(configuration, ValueAtStartKey, true);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Once started: the schema is migrated by then and the node already serves; a failed start values nothing.
        if (ValuesAtStart(configuration)) lifetime.ApplicationStarted.Register(portfolio.StartValuing);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
