using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Formulas;

/// <summary>The formula registry lives in one stream; its state is that stream folded, with knowledge times.</summary>
public sealed class FormulaRegistryStore(IDocumentStore store)
{
    public static async Task<(FormulaRegistry Registry, long Version)> LoadAsync(IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(SystemStreams.FormulaRegistry, token: ct);
        return (FormulaRegistry.From(events.Select(e => (e.Data, e.Timestamp))), events.Count);
    }

    private sealed record Folded(FormulaRegistry Registry, long Version);
    private volatile Folded? _last;

    /// <summary>
    /// The registry as it is now. Every value read needs it: the stream is folded again only when
    /// its version moved, which any node's registration does, so a cheap version read is all a
    /// read pays in between.
    /// </summary>
    public async Task<FormulaRegistry> LoadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var version = (await session.Events.FetchStreamStateAsync(SystemStreams.FormulaRegistry, ct))?.Version ?? 0;
        if (_last is { } last && last.Version == version) return last.Registry;
        var (registry, loadedVersion) = await LoadAsync(session, ct);
        _last = new Folded(registry, loadedVersion);
        return registry;
    }

    /// <summary>
    /// Decides against the registry as it is and appends what was decided, checking that nobody
    /// appended in between (two registrations racing would otherwise take the same version).
    /// The event names who changed the registry: every value read depends on it.
    /// </summary>
    public async Task<T> ChangeAsync<T>(AppendContext context, Func<FormulaRegistry, (T Result, object? Event)> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            context.Stamp(session);
            session.Logger = new LostRacesNotErrors(session.Logger);
            var (registry, version) = await LoadAsync(session, ct);
            var (result, change) = decide(registry);
            if (change is null) return result;

            if (version == 0) session.Events.StartStream(SystemStreams.FormulaRegistry, change);
            else session.Events.Append(SystemStreams.FormulaRegistry, version + 1, change);
            try
            {
                await session.SaveChangesAsync(ct);
                return result;
            }
            catch (Exception e) when (attempt < 10 && LostRaces.Are(e))
            {
                await Task.Delay(Random.Shared.Next(5, 50), ct);
            }
        }
    }
}
