using System.Collections.Concurrent;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// Issue #6, database outage: PostgreSQL (a private cluster of this test's own) is stopped while a
/// client ingests. Meanwhile every request is answered quickly with a 503 problem and Retry-After,
/// never a 500 and never a hang; when the database is back the same Host serves again by itself,
/// and the client's retries of what was refused (same touchpoint ids) land exactly once.
/// </summary>
[Collection(FaultScenarios.Name)]
public class when_the_database_goes_away(ITestOutputHelper output)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task requests_get_a_quick_503_and_the_host_recovers_without_a_restart()
    {
        PrivateCluster.FindBinaries().ShouldNotBeNull("this scenario runs its own PostgreSQL cluster: ./eventcrm test installs the server binaries");
        await using var cluster = await PrivateCluster.Create();
        await using var host = await HostProcess.Start("outage", cluster.ConnectionString, "eventcrm", AppFixture.AdminKey);
        using var http = Clients.For(host.BaseAddress, AppFixture.AdminKey, TimeSpan.FromSeconds(30));
        var customer = Ids.Customer();
        (await Clients.PostTouchpoints(http, SignUp(customer, Jan1))).Status.ShouldBe(201);

        // A client ingesting one purchase after another all along, recording every answer.
        var sent = new ConcurrentQueue<(Dictionary<string, object?> Purchase, Attempt Attempt)>();
        using var stopIngesting = new CancellationTokenSource();
        var ingesting = Task.Run(async () =>
        {
            for (var day = 1; !stopIngesting.IsCancellationRequested; day++)
            {
                var purchase = Purchase(customer, Jan1.AddMinutes(day), amount: day, margin: 0);
                sent.Enqueue((purchase, await Clients.PostTouchpoints(http, purchase)));
                await Task.Delay(50);
            }
        });
        await Task.Delay(1_000);
        var routes = await EveryRoute(http, customer);

        await cluster.Stop();
        var outage = new List<(string What, Attempt Attempt)>();
        for (var i = 0; i < 4; i++)
        {
            outage.Add(("POST /api/touchpoints", await Clients.PostTouchpoints(http, Purchase(customer, Jan1.AddDays(200 + i)))));
            outage.Add(("GET /health", await Clients.Send(http, HttpMethod.Get, "/health")));
            outage.Add(("GET /api/customers/{id}", await Clients.Send(http, HttpMethod.Get, $"/api/customers/{customer}")));
        }
        // Routes that append no touchpoint: their 503 says nothing of touchpointIds (changed 2026-12-07).
        var noTouchpoints = new List<(string What, Attempt Attempt)>
        {
            ("POST /api/projections/CustomerLedger/rebuild", await Clients.Send(http, HttpMethod.Post, "/api/projections/CustomerLedger/rebuild")),
            ("POST /api/replays", await Clients.Send(http, HttpMethod.Post, "/api/replays", new { formula = "simple-clv@0" })),
        };
        var everyRoute = new List<(string What, Attempt Attempt)>();
        foreach (var (method, path) in routes)
            everyRoute.Add(($"{method} {path}", await Clients.Send(http, method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : new { })));
        await Task.Delay(2_000);   // the ingesting client keeps knocking meanwhile
        await cluster.Start();

        var recovery = System.Diagnostics.Stopwatch.StartNew();
        var back = await Clients.UntilAcknowledged(http, Purchase(customer, Jan1.AddDays(300)), TimeSpan.FromSeconds(30));
        var recoveredIn = recovery.Elapsed;
        var health = await Clients.Send(http, HttpMethod.Get, "/health");
        await Task.Delay(500);
        stopIngesting.Cancel();
        await ingesting;

        foreach (var (what, attempt) in outage) output.WriteLine($"during the outage: {what} -> {attempt.Status} {attempt.MediaType} Retry-After {attempt.RetryAfter} in {attempt.Took.TotalMilliseconds:0} ms");
        var answers = sent.Select(s => s.Attempt).ToList();
        output.WriteLine($"ingesting client: {answers.Count} requests, " + string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")) +
            $", slowest {answers.Max(a => a.Took).TotalMilliseconds:0} ms; recovered {recoveredIn.TotalSeconds:0.0} s after the restart");

        foreach (var (what, attempt) in outage)
        {
            attempt.Body.ShouldNotContain("127.0.0.1", customMessage: $"{what} tells anyone where the database is");
            attempt.Status.ShouldBe(503, $"{what}: {attempt}");
            attempt.MediaType.ShouldBe("application/problem+json", what);
            attempt.RetryAfter.ShouldNotBeNull(what);
            attempt.Took.ShouldBeLessThan(Quick, what);
        }
        // Only the routes that append touchpoints speak of sending touchpoints again; a read says it changes nothing.
        foreach (var (what, attempt) in outage.Where(o => o.What != "GET /health"))
            attempt.Body.ShouldContain(what.StartsWith("POST /api/touchpoints", StringComparison.Ordinal)
                ? "touchpoints sent again with the same touchpointIds land once" : "a read changes nothing", Case.Sensitive, what);
        foreach (var (what, attempt) in noTouchpoints)
        {
            attempt.Status.ShouldBe(503, $"{what}: {attempt}");
            attempt.Body.ShouldNotContain("touchpoint", Case.Insensitive, what);
            attempt.Body.ShouldContain("whether this attempt was carried out is not known", Case.Sensitive, what);
        }
        // Every other route: never a server error other than 503, never a hang. Some answer without the
        // database (a 400 for the empty body, a page of the portfolio cached seconds ago).
        foreach (var (what, attempt) in everyRoute) output.WriteLine($"during the outage: {what} -> {attempt.Status} in {attempt.Took.TotalMilliseconds:0} ms");
        foreach (var (what, attempt) in everyRoute)
        {
            attempt.Took.ShouldBeLessThan(Quick, what);
            attempt.Status.ShouldBeInRange(200, 503, $"{what}: {attempt}");
            if (attempt.Status < 500) continue;
            attempt.Status.ShouldBe(503, $"{what}: {attempt}");
            attempt.RetryAfter.ShouldNotBeNull(what);
        }
        everyRoute.Count(r => r.Attempt.Status == 503).ShouldBeGreaterThan(everyRoute.Count / 2);
        back.Status.ShouldBe(201, $"the Host did not serve again within 30 s of the restart: {back}; see {host.LogFile}");
        health.Status.ShouldBe(200);
        host.HasExited.ShouldBeFalse();
        answers.Where(a => a.Status is not (201 or 503)).ShouldBeEmpty("the ingesting client got other answers than 201 and 503");
        answers.Where(a => a.Took > Quick).ShouldBeEmpty("some requests hung");

        // The client's duty after a 503: send the same touchpoints again. Each lands exactly once.
        var refused = sent.Where(s => !s.Attempt.Acknowledged).ToList();
        foreach (var (purchase, _) in refused) (await Clients.UntilAcknowledged(http, purchase, TimeSpan.FromSeconds(30))).Acknowledged.ShouldBeTrue();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*), count(distinct data->>'touchpointId') from eventcrm.mt_events where stream_id = @customer", connection);
        count.Parameters.AddWithValue("customer", customer);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        (reader.GetInt64(0), reader.GetInt64(1)).ShouldBe((sent.Count + 2L, sent.Count + 2L), "signup, the ingested purchases once each, and the purchase that proved recovery");
        await reader.DisposeAsync();

        // The async daemon got through the outage too: the customer's ledger catches up with every event.
        var ledgered = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && ledgered != sent.Count + 2; await Task.Delay(250))
        {
            await using var ledger = new NpgsqlCommand("select coalesce((select (data->>'touchpoints')::int from eventcrm.mt_doc_customerledger where id = @customer), 0)", connection);
            ledger.Parameters.AddWithValue("customer", customer);
            ledgered = (int)(await ledger.ExecuteScalarAsync())!;
        }
        ledgered.ShouldBe(sent.Count + 2, "the ledger projection did not catch up after the outage");
    }

    /// <summary>Every route the service's OpenAPI document lists, the customer's id in its path, other parameters a placeholder.</summary>
    private static async Task<List<(HttpMethod Method, string Path)>> EveryRoute(HttpClient http, string customer)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var routes = document["paths"]!.AsObject()
            .Where(path => path.Key is not ("/health" or "/api/touchpoints"))
            .SelectMany(path => path.Value!.AsObject().Select(operation => (new HttpMethod(operation.Key.ToUpperInvariant()),
                System.Text.RegularExpressions.Regex.Replace(path.Key, "{[^}]+}", m => path.Key.StartsWith("/api/customers/") && m.Index == "/api/customers/".Length ? customer : "x"))))
            .ToList();
        routes.Count.ShouldBeGreaterThan(25);
        return routes;
    }
}
