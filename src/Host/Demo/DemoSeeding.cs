using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using Marten;

namespace EventCrm.Host.Demo;

/// <summary>seed-demo began a demo base: what it was asked for, so that an interrupted seeding is finished alike.</summary>
public sealed record DemoSeedingStarted(DateTimeOffset End, int Customers, int Seed);

/// <summary>seed-demo finished the base (touchpoints, seed stories and the model fitted).</summary>
public sealed record DemoSeedingFinished(DateTimeOffset At);

/// <summary>Where the demo seeding of this store stands, read from its system stream.</summary>
public sealed record DemoSeeding(DemoSeedingStarted? Started, bool Finished)
{
    public static async Task<DemoSeeding> LoadAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = (await session.Events.FetchStreamAsync(SystemStreams.DemoSeeding, token: ct)).Select(e => e.Data).ToList();
        return new DemoSeeding(events.OfType<DemoSeedingStarted>().LastOrDefault(), events.OfType<DemoSeedingFinished>().Any());
    }

    public static async Task RecordAsync(IDocumentStore store, object happened, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        AppendContext.OfCommand("seed-demo").Stamp(session);
        session.Events.Append(SystemStreams.DemoSeeding, happened);
        await session.SaveChangesAsync(ct);
    }
}
