using System.Collections.Concurrent;
using System.Diagnostics;
using EventCrm.Tests.Reliability.Support;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// Issue #6, hostile input: thousands of generated requests to every write endpoint, malformed,
/// oversized, deeply nested, of the wrong types, full of unicode traps and SQL; each must be
/// refused with a 4xx problem in good time, none may write anything, and none is logged as an error.
/// </summary>
[Collection(HostileInputCollection.Name)]
public class when_fed_hostile_input(FuzzHost fuzz, ITestOutputHelper output)
{
    /// <summary>EVENTCRM_FUZZ_SEED and EVENTCRM_FUZZ_CASES replay or widen a run; CI uses the defaults.</summary>
    private static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("EVENTCRM_FUZZ_SEED"), out var s) ? s : 20_261_124;
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("EVENTCRM_FUZZ_CASES"), out var n) ? n : 3_000;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);

    /// <summary>The routes given their own generators; every other write route of the Host gets the generic one.</summary>
    private static readonly HashSet<string> Known =
    [
        "POST /api/touchpoints", "POST /api/imports", "POST /api/keys", "DELETE /api/keys/{id}", "POST /api/formulas",
        "POST /api/formulas/default", "POST /api/models/refit", "POST /api/projections/{name}/rebuild",
    ];

    /// <summary>What logs for the Host's background work (its projections, leadership, queues), never for a request.</summary>
    private static readonly string[] Background = ["EventCrm.Host.Infrastructure.Leadership", "Marten", "JasperFx", "Wolverine.Runtime"];

    [Fact]
    public async Task every_invalid_write_is_refused_with_a_4xx_problem_in_time_and_appends_nothing()
    {
        var routes = fuzz.WriteRoutes();
        var others = routes.Where(r => !Known.Contains($"{r.Method} {r.Route}")).ToList();
        Known.Where(k => !routes.Any(r => $"{r.Method} {r.Route}" == k)).ShouldBeEmpty("a known write route is gone: update the fuzzer");
        var requests = new HostileRequests(Seed, others).Take(Cases).ToList();
        var before = await StoreCounts.Read(fuzz.ConnectionString, FuzzHost.Schema);
        var errorsBefore = fuzz.Errors.Mark();

        var failures = new ConcurrentBag<(HostileRequest Request, string Why)>();
        var statuses = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        using var client = fuzz.Client(PerRequest);
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = FuzzHost.RequestsAtOnce }, async (request, _) =>
        {
            var watch = Stopwatch.StartNew();
            try
            {
                using var message = request.ToMessage();
                using var response = await client.SendAsync(message);
                var body = await response.Content.ReadAsStringAsync();
                statuses.AddOrUpdate($"{request.Target} {(int)response.StatusCode}", 1, (_, c) => c + 1);
                if (ProblemAnswers.NotAProperRefusal(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body) is { } why)
                    failures.Add((request, $"{why}: {(body.Length > 300 ? body[..300] : body)}"));
            }
            catch (TaskCanceledException)
            {
                failures.Add((request, $"no answer within {PerRequest.TotalSeconds} s"));
            }
            catch (Exception e)
            {
                failures.Add((request, $"the request failed after {watch.ElapsedMilliseconds} ms: {e.GetType().Name}: {e.Message}"));
            }
        });
        var after = await StoreCounts.Read(fuzz.ConnectionString, FuzzHost.Schema);

        output.WriteLine($"seed {Seed}: {requests.Count} requests in {clock.Elapsed.TotalSeconds:0.0} s, other write routes: {string.Join(", ", others.Select(o => $"{o.Method} {o.Route}"))}");
        foreach (var (answer, count) in statuses.OrderBy(p => p.Key)) output.WriteLine($"  {answer}: {count}");
        foreach (var (request, why) in failures.OrderBy(f => f.Request.Case).Take(25)) output.WriteLine($"FAILED {why}\n    {request}");

        failures.Select(f => $"{f.Why} <- {f.Request}").Take(10).ShouldBeEmpty($"{failures.Count} of {requests.Count} hostile requests were not refused properly (seed {Seed})");
        after.ShouldBe(before, "hostile requests wrote to the store");
        fuzz.Errors.Since(errorsBefore).Where(e => !Background.Any(e.Category.StartsWith)).Select(e => $"{e.Category}: {e.Message}").Take(5)
            .ShouldBeEmpty("a client's mistake was logged as an error (an operator's alert for nothing)");
    }
}
