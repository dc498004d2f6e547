using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Value;
using JasperFx.Events;
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

        var model = ModelAt(await FitsAsync(ct), knownAt);
        if (knownAt is null) _latest = (model, now + CacheFor);
        return model;
    }

    /// <summary>The model known at any moment, from one read of every refit: for reading many moments at once.</summary>
    public async Task<Func<DateTimeOffset, KnownModel>> KnownOverTimeAsync(CancellationToken ct)
    {
        var fits = await FitsAsync(ct);
        return moment => ModelAt(fits, moment);
    }

    /// <summary>When the first model was fitted (recorded); null when none has been.</summary>
    public async Task<DateTimeOffset?> FirstFittedAtAsync(CancellationToken ct) =>
        (await FitsAsync(ct)).FirstOrDefault(e => e.Data is PortfolioModelFitted)?.Timestamp;

    private async Task<IReadOnlyList<IEvent>> FitsAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel, token: ct);
    }

    private static KnownModel ModelAt(IReadOnlyList<IEvent> fits, DateTimeOffset? knownAt) =>
        fits.LastOrDefault(e => e.Data is PortfolioModelFitted && (knownAt is null || e.Timestamp <= knownAt)) is { Data: PortfolioModelFitted f } fit
            ? new KnownModel(f.Model, fit.Timestamp, f.AsOf)
            : Defaults;

    public void Forget() => _latest = null;
}
