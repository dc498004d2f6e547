using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// Issue #6, crash: the Host is killed (SIGKILL) while clients post singles and arrays, and started
/// again over the same database. Every acknowledged touchpoint is stored exactly once, every batch
/// is all or nothing, the clients' retries of what got no answer land exactly once, and the async
/// projections, catching up after the restart, hold what a full rebuild computes.
/// </summary>
[Collection(FaultScenarios.Name)]
public class when_the_host_is_killed_mid_ingestion(ITestOutputHelper output)
{
    private const string Schema = "eventcrm_crash";
    private const int ClientCount = 4;

    private sealed record Sent(int Client, IReadOnlyList<Dictionary<string, object?>> Items, bool IsArray, Attempt Attempt, bool AfterRestart)
    {
        public object Body => IsArray ? Items : Items[0];
        public IEnumerable<string> TouchpointIds => Items.Select(i => (string)i["touchpointId"]!);
    }

    [Fact]
    public async Task acknowledged_touchpoints_survive_once_batches_are_whole_and_projections_match_a_rebuild()
    {
        // A cluster of its own: only this Host's sessions in the database, and a killed process leaves nothing in anyone else's.
        PrivateCluster.FindBinaries().ShouldNotBeNull("this scenario runs its own PostgreSQL cluster: ./eventcrm test installs the server binaries");
        await using var cluster = await PrivateCluster.Create();
        var connectionString = cluster.ConnectionString;
        var store = new StoreChecks(connectionString, Schema);
        await using var host = await HostProcess.Start("crash", connectionString, Schema, AppFixture.AdminKey);
        using var http = Clients.For(host.BaseAddress, AppFixture.AdminKey, TimeSpan.FromSeconds(30));
        var customers = Enumerable.Range(0, 24).Select(i => $"crash-{i:00}-{Guid.NewGuid():N}"[..20]).ToArray();
        (await Clients.PostTouchpoints(http, customers.Select(c => SignUp(c, Jan1)).ToArray())).Status.ShouldBe(201);

        var phases = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string what) => output.WriteLine($"{phases.Elapsed.TotalSeconds,6:0.0} s  {what}");
        Phase("started, customers signed up");
        var sent = new ConcurrentQueue<Sent>();
        var restarted = false;
        using var stop = new CancellationTokenSource();
        var posting = Enumerable.Range(0, ClientCount).Select(client => Task.Run(async () =>
        {
            var random = new SeededRandom((ulong)client + 77);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var isArray = random.Chance(0.6);
                var items = Enumerable.Range(0, isArray ? random.Between(2, 15) : 1)
                    .Select(k => Item(random, customers, $"crash-tp-{client}-{n}-{k}")).ToList();
                var after = Volatile.Read(ref restarted);
                var attempt = await Clients.PostTouchpoints(http, isArray ? items : items[0]);
                sent.Enqueue(new Sent(client, items, isArray, attempt, after));
                if (attempt.Status == 0) await Task.Delay(100);   // the Host is down: do not spin
            }
        })).ToArray();

        await Until(() => sent.Count(s => s.Attempt.Acknowledged) >= 40, TimeSpan.FromSeconds(60));
        await host.Kill();
        Phase("killed");
        var acknowledgedBeforeKill = sent.Count(s => s.Attempt.Acknowledged);
        await Task.Delay(500);
        await host.StartAgain(TimeSpan.FromSeconds(120));
        Volatile.Write(ref restarted, true);
        Phase("restarted and healthy");
        await Until(() => sent.Count(s => s.AfterRestart && s.Attempt.Acknowledged) >= 20, TimeSpan.FromSeconds(60));
        stop.Cancel();
        await Task.WhenAll(posting);
        Phase("clients stopped");

        var all = sent.ToList();
        output.WriteLine($"{all.Count} requests ({all.Sum(s => s.Items.Count)} touchpoints), {acknowledgedBeforeKill} acknowledged before the kill; answers: " +
            string.Join(", ", all.GroupBy(s => s.Attempt.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key)}: {g.Count()}")));
        all.Where(s => s.Attempt.Status is not (0 or 200 or 201 or 409 or 503)).Select(s => s.Attempt.ToString()).ShouldBeEmpty("unexpected answers");

        // 1. What was acknowledged is there, exactly once; what was not is all there or not at all.
        var counts = await store.TouchpointCounts(all.SelectMany(s => s.TouchpointIds).ToList());
        var acknowledged = all.Where(s => s.Attempt.Acknowledged).ToList();
        acknowledged.SelectMany(s => s.TouchpointIds).Where(id => counts.GetValueOrDefault(id) != 1)
            .ShouldBeEmpty("acknowledged touchpoints missing or stored twice");
        var unanswered = all.Where(s => !s.Attempt.Acknowledged).ToList();
        var halfWritten = unanswered.Where(s => s.TouchpointIds.Select(id => counts.GetValueOrDefault(id)).Distinct().Count() > 1).ToList();
        halfWritten.Select(s => string.Join(",", s.TouchpointIds.Select(id => $"{id}={counts.GetValueOrDefault(id)}"))).ShouldBeEmpty("batches written in part");
        var landedUnanswered = unanswered.Count(s => counts.ContainsKey(s.TouchpointIds.First()));
        output.WriteLine($"{unanswered.Count} requests without acknowledgement, {landedUnanswered} of them had been stored whole before the answer was lost");

        // 2. The client's duty: send again what got no acknowledgement. Each comes back all appended or all repeated.
        foreach (var request in unanswered)
        {
            var retry = await Clients.UntilAcknowledged(http, request.Body, TimeSpan.FromSeconds(30));
            retry.Acknowledged.ShouldBeTrue(retry.ToString());
            var answer = JsonNode.Parse(retry.Body)!;
            var wasThere = counts.ContainsKey(request.TouchpointIds.First());
            (answer["appended"]!.GetValue<int>(), answer["repeated"]!.GetValue<int>())
                .ShouldBe(wasThere ? (0, request.Items.Count) : (request.Items.Count, 0), $"retry of {string.Join(",", request.TouchpointIds)}");
        }
        var everything = all.SelectMany(s => s.TouchpointIds).ToList();
        (await store.TouchpointCounts(everything)).Where(c => c.Value != 1).ShouldBeEmpty();
        (await store.TouchpointCounts(everything)).Count.ShouldBe(everything.Count);
        (await store.DuplicateTouchpoints()).ShouldBeEmpty();
        (await store.InconsistentStreams()).ShouldBeEmpty();

        Phase("retries done, store checked");

        // 3. The async projections resume where the killed process left them and agree with a full rebuild.
        using (var documents = DocumentStore.For(o => o.ConfigureEventCrmStore(connectionString, Schema)))
            await documents.CatchUp(TimeSpan.FromSeconds(90));
        Phase("projections caught up");
        (await store.LedgersOffTheirStreams()).ShouldBeEmpty();
        (await store.SpendCellsOffTheEvents()).ShouldBeEmpty("spend cells that differ from the log's purchases");
        var caughtUp = await store.Ledgers();
        await Rebuild(http, "CustomerLedger");
        Phase("CustomerLedger rebuilt");
        var rebuilt = await store.Ledgers();
        rebuilt.Keys.ShouldBe(caughtUp.Keys, ignoreOrder: true);
        rebuilt.Where(l => caughtUp[l.Key] != l.Value).Select(l => $"{l.Key}: caught up {caughtUp[l.Key]} rebuilt {l.Value}").ShouldBeEmpty();
    }

    /// <summary>A purchase, a visit or a support call of one of the customers.</summary>
    private static Dictionary<string, object?> Item(SeededRandom random, string[] customers, string touchpointId)
    {
        var customer = random.Pick(customers);
        var at = Jan1.AddDays(1 + random.Next(300)).AddMinutes(random.Next(1_000));
        return random.Next(3) switch
        {
            0 => Of("visit", customer, at, new { cost = random.Between(1, 50), purpose = "demo" }, touchpointId),
            1 => Of("support-call", customer, at, new { durationMinutes = random.Between(1, 60), cost = random.Between(1, 30), reason = "invoice", resolved = true }, touchpointId),
            _ => Of("purchase", customer, at, new { orderId = $"o-{touchpointId}", amount = random.Between(10, 500), margin = random.Between(0, 9), category = random.Pick(new[] { "rollers", "paint", "brushes" }) }, touchpointId),
        };
    }

    private static async Task Rebuild(HttpClient http, string projection)
    {
        // Right after a restart another node may still be thought to hold the projection: 409 until the lock is ours.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Attempt started;
        while ((started = await Clients.Send(http, HttpMethod.Post, $"/api/projections/{projection}/rebuild", new { })).Status == 409 && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        started.Status.ShouldBe(202, started.ToString());
        while (true)
        {
            var status = JsonNode.Parse((await Clients.Send(http, HttpMethod.Get, $"/api/projections/{projection}")).Body)!;
            var state = status["lastRebuild"]?["state"]?.GetValue<string>();
            if (state == "completed") return;
            if (state == "failed") throw new InvalidOperationException($"rebuild failed: {status}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"rebuild still {state}");
            await Task.Delay(200);
        }
    }

    private static async Task Until(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached within {within}");
            await Task.Delay(50);
        }
    }
}
