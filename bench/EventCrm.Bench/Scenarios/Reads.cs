using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Load;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// (f) Reads on the demo base (seed-demo, as ./eventcrm run seeds it): the timeline and the value
/// of a customer with 200 touchpoints, and the value as of a past date of a customer with 1,000.
/// Both customers are posted through the API into the seeded base, so their sizes are exact.
/// One client, sequential requests, after the Host's daemon has caught up (so it is idle) and a
/// warm-up of the same requests.
/// </summary>
public static class Reads
{
    public const string TimelineP50 = "timeline-p50-ms", TimelineP99 = "timeline-p99-ms";
    public const string ValueP50 = "value-p50-ms", ValueP99 = "value-p99-ms";
    public const string ValueAsOfP99 = "value-as-of-1000-p99-ms";
    public const double TimelineFloorMs = 10, ValueFloorMs = 20, ValueAsOfFloorMs = 50;
    private const string Customer200 = "bench-tp200", Customer1000 = "bench-tp1000";

    public static async Task<IReadOnlyList<Figure>> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var sizes = ctx.Sizes;
        var schema = BenchContext.SchemaFor("reads");
        await ctx.FreshSchemaAsync(schema, ct);
        await HostCommand.RunAsync(ctx, schema, "seed-demo", ["seed-demo", "--customers", sizes.ReadsDemoCustomers.ToString()], ct);
        var (customers, events) = (await ctx.ScalarAsync<long>($"SELECT count(*) FROM {schema}.mt_streams", ct),
            await ctx.ScalarAsync<long>($"SELECT count(*) FROM {schema}.mt_events", ct));
        ctx.Log($"demo base: {customers:N0} streams, {events:N0} events");

        await using var host = await HostProcess.StartAsync(ctx, schema, "reads", ct);
        using var api = new ApiClient(ctx, host.BaseAddress);
        await PostCustomerAsync(api, Customer200, 200, ct);
        await PostCustomerAsync(api, Customer1000, 1000, ct);
        await ProjectionScenario.WaitForNonStaleAsync(ctx, schema, ct);

        var asOf = DateTimeOffset.UtcNow.AddMonths(-18).ToString("yyyy-MM-dd");
        var timelinePath = $"/api/customers/{Customer200}/timeline";
        var valuePath = $"/api/customers/{Customer200}/value";
        var asOfPath = $"/api/customers/{Customer1000}/value?asOf={asOf}";
        await CheckAsync(api, timelinePath, body => body.GetProperty("entries").GetArrayLength() == 200, "200 timeline entries", ct);
        await CheckAsync(api, valuePath, body => body.GetProperty("touchpointsCounted").GetInt32() == 200, "200 touchpoints counted", ct);
        await CheckAsync(api, asOfPath, body => body.GetProperty("touchpointsCounted").GetInt32() is > 0 and < 1000, "part of the 1,000 touchpoints counted", ct);

        await ctx.Statements.ResetAsync(ct);
        var timeline = await MeasureAsync(ctx, api, "timeline (200 touchpoints)", timelinePath, sizes.ReadSamples, ct);
        var value = await MeasureAsync(ctx, api, "value (200 touchpoints)", valuePath, sizes.ReadSamples, ct);
        var valueAsOf = await MeasureAsync(ctx, api, $"value as of {asOf} (1,000 touchpoints)", asOfPath, sizes.ReadSamples, ct);
        await ProjectionScenario.LogTopStatementsAsync(ctx, "the measured reads", ct);
        await host.StopAsync();
        await ctx.DoneWithSchemaAsync(schema, ct);

        var note = $"{sizes.ReadSamples:N0} sequential requests after {sizes.ReadWarmup.TotalSeconds:N0} s of the same requests as warm-up, demo base of {sizes.ReadsDemoCustomers:N0} customers ({events:N0} events)";
        return
        [
            new Figure(TimelineP50, Math.Round(timeline.Percentile(0.5), 2), "ms") { Floor = TimelineFloorMs, Note = note },
            new Figure(TimelineP99, Math.Round(timeline.Percentile(0.99), 2), "ms") { Floor = TimelineFloorMs, Note = note },
            new Figure(ValueP50, Math.Round(value.Percentile(0.5), 2), "ms") { Floor = ValueFloorMs, Note = note },
            new Figure(ValueP99, Math.Round(value.Percentile(0.99), 2), "ms") { Floor = ValueFloorMs, Note = note },
            new Figure(ValueAsOfP99, Math.Round(valueAsOf.Percentile(0.99), 2), "ms") { Floor = ValueAsOfFloorMs, Note = $"asOf={asOf}; {note}" },
        ];

        async Task<Latencies> MeasureAsync(BenchContext c, ApiClient client, string what, string path, int samples, CancellationToken token)
        {
            // As long as single-post's warm-up: a fresh process recompiles its hot code for seconds (tiered JIT).
            for (var warmup = Stopwatch.StartNew(); warmup.Elapsed < sizes.ReadWarmup;) await client.GetAsync(path, token);
            c.Log($"{what}:");
            var perRead = PhaseProbe.Start(c, host);
            var latencies = new Latencies();
            for (var i = 0; i < samples; i++)
            {
                var (status, ms, _) = await client.GetAsync(path, token);
                if (status != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)status}");
                latencies.Add(ms);
            }
            await perRead.DisposeAsync();
            c.Log($"{what}: {latencies.Summary()}; Host CPU {perRead.HostCpuSeconds * 1000 / samples:F1} ms per request");
            return latencies;
        }
    }

    /// <summary>A signup three years ago, then touchpoints spread evenly up to yesterday: one array.</summary>
    private static async Task PostCustomerAsync(ApiClient api, string customerId, int touchpoints, CancellationToken ct)
    {
        var factory = new TouchpointFactory(customerId, touchpoints);
        var start = DateTimeOffset.UtcNow.AddYears(-3);
        var step = (DateTimeOffset.UtcNow.AddDays(-1) - start) / touchpoints;
        var body = factory.Array(w =>
        {
            factory.Signup(w, customerId, start);
            for (var i = 1; i < touchpoints; i++) factory.Activity(w, customerId, start + step * i);
        });
        var result = await api.PostTouchpointsAsync(body, ct);
        if (result.Status != HttpStatusCode.Created || result.Appended != touchpoints)
            throw new InvalidOperationException($"posting {customerId} failed: {(int)result.Status} {result.Problem}");
    }

    private static async Task CheckAsync(ApiClient api, string path, Func<JsonElement, bool> check, string expected, CancellationToken ct)
    {
        var (status, _, body) = await api.GetAsync(path, ct);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)status}: {body}");
        using var doc = JsonDocument.Parse(body);
        if (!check(doc.RootElement)) throw new InvalidOperationException($"GET {path}: expected {expected}, got {body[..Math.Min(body.Length, 300)]}");
    }
}
