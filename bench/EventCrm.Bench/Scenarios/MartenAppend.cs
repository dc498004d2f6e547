using System.Diagnostics;
using System.Text.Json;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Runner;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events.Daemon;
using Marten;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// Diagnostic beside `ingest-http-batch`: the same mix of arrays appended through Marten's own
/// API in this process, with no HTTP, no checks and no decision: a session per array,
/// `StartStream` for the new customers' signups and `Append` for the others, the inline profile
/// projection run by Marten, the async daemon off. One writer, as in the probe. What
/// Marten itself reaches for the events and profiles the append path writes, in the same run.
/// </summary>
public static class MartenAppend
{
    public const string Name = "marten-append-mix";

    public static async Task<Figure> RunAsync(BenchContext ctx, string schema, IReadOnlyList<byte[]> warmUp, IReadOnlyList<byte[]> measured, CancellationToken ct)
    {
        var options = new StoreOptions().ConfigureEventCrmStore(ctx.ConnectionString, schema);
        options.Projections.AsyncMode = DaemonMode.Disabled;
        using var store = new DocumentStore(options);
        await AppendAllAsync(store, Parse(warmUp), ct);

        var arrays = Parse(measured);
        var probe = PhaseProbe.Start(ctx);
        var watch = Stopwatch.StartNew();
        var events = await AppendAllAsync(store, arrays, ct);
        var elapsed = watch.Elapsed;
        await probe.DisposeAsync();
        var rate = events / elapsed.TotalSeconds;
        ctx.Log($"diagnostic, Marten's own append of the same mix (one writer, in the bench process, no HTTP): {events:N0} events in {elapsed.TotalSeconds:F2} s, {rate:N0} events/s");
        return new Figure(Name, Math.Round(rate), "events/s")
        {
            Against = CopyWriteBaseline.Name,
            Note = $"diagnostic: {arrays.Count} arrays of the same mix appended by Marten's own API (a session per array, StartStream or Append, " +
                   "the inline profile projection, no daemon), one writer in the bench process, no HTTP and no decision: Marten's rate for the rows the append path writes",
        };
    }

    private static async Task<long> AppendAllAsync(DocumentStore store, IReadOnlyList<List<ParsedTouchpoint>> arrays, CancellationToken ct)
    {
        long events = 0;
        foreach (var array in arrays)
        {
            await using var session = store.LightweightSession();
            foreach (var customer in array.GroupBy(t => t.CustomerId))
            {
                var touchpoints = customer.Select(t => (object)t.Touchpoint).ToArray();
                if (customer.First().Touchpoint is SignedUp) session.Events.StartStream(customer.Key, touchpoints);
                else session.Events.Append(customer.Key, touchpoints);
            }
            await session.SaveChangesAsync(ct);
            events += array.Count;
        }
        return events;
    }

    /// <summary>The arrays as the Host reads them, so both paths append the same touchpoints.</summary>
    private static List<List<ParsedTouchpoint>> Parse(IReadOnlyList<byte[]> arrays)
    {
        var now = DateTimeOffset.UtcNow;
        return arrays.Select(array =>
        {
            using var document = JsonDocument.Parse(array);
            return document.RootElement.EnumerateArray().Select(item => TouchpointReader.Read(item, now) is ({ } parsed, { Count: 0 })
                ? parsed
                : throw new InvalidOperationException($"the bench wrote a touchpoint the Host refuses: {item}")).ToList();
        }).ToList();
    }
}
