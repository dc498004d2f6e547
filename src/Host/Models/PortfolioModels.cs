using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Models;

public sealed record KnownModel(PortfolioModel Model, DateTimeOffset? FittedAt, DateTimeOffset? AsOf);

/// <summary>
/// The portfolio model known at a moment: the last refit recorded by then, or the defaults when
/// none was. The latest one is cached briefly because every value read needs it.
/// </summary>
public sealed class PortfolioModels(IDocumentStore store, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private (KnownModel Model, DateTimeOffset Until)? _latest;

    public static readonly KnownModel Defaults = new(PortfolioModel.Default, null, null);

    public async Task<KnownModel> KnownAtAsync(DateTimeOffset? knownAt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (knownAt is null && _latest is { } cached && cached.Until > now) return cached.Model;

        await using var session = store.QuerySession();
        var fits = await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel, token: ct);
        var fit = fits.LastOrDefault(e => e.Data is PortfolioModelFitted && (knownAt is null || e.Timestamp <= knownAt));
        var model = fit?.Data is PortfolioModelFitted f ? new KnownModel(f.Model, fit.Timestamp, f.AsOf) : Defaults;
        if (knownAt is null) _latest = (model, now + CacheFor);
        return model;
    }

    public void Forget() => _latest = null;
}
