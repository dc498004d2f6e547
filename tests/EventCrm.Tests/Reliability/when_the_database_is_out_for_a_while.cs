using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// What the operator reads while PostgreSQL is away (a private cluster of this test's own, stopped
/// for about twelve seconds under a running Host): one warning naming the setting and the error, one
/// line when the database is back, and not the thousand stack traces a minute that Wolverine's
/// agents, Marten's daemon and every refused request used to write. The service serves again after.
/// </summary>
[Collection(FaultScenarios.Name)]
public partial class when_the_database_is_out_for_a_while(ITestOutputHelper output)
{
    private const string Setting = "ConnectionStrings:EventCrm";
    private const string Warned = "warn: EventCrm.Host.Reliability.DatabaseOutageLog";
    private const string Recovered = "info: EventCrm.Host.Reliability.DatabaseOutageLog";

    /// <summary>
    /// The outage's lines: the warning (a header line and a message line, as the console writes an
    /// entry), the line saying the database is back (two more), one reminder (two) should the outage
    /// outlast 30 s on a crawling machine, and four lines' room for anything else. Before the fix
    /// the same twelve seconds wrote about 900 lines.
    /// </summary>
    private const int MostLinesDuringTheOutage = 2 + 2 + 2 + 4;

    [Fact]
    public async Task the_log_says_it_once_and_says_when_it_is_back()
    {
        PrivateCluster.FindBinaries().ShouldNotBeNull("this scenario runs its own PostgreSQL cluster: ./eventcrm test installs the server binaries");
        await using var cluster = await PrivateCluster.Create();
        await using var host = await HostProcess.Start("log-outage", cluster.ConnectionString, "eventcrm", AppFixture.AdminKey);
        using var http = Clients.For(host.BaseAddress, AppFixture.AdminKey, TimeSpan.FromSeconds(30));
        var customer = Ids.Customer();
        (await Clients.PostTouchpoints(http, SignUp(customer, Jan1))).Status.ShouldBe(201);
        // The Host's agents and daemon settle on a running database before the outage begins.
        await Task.Delay(3_000);
        // As under traffic: many connections in the pool, idle when the database stops. The stop ends
        // their sessions, and one still idle when the database is back failed at its next use, after
        // the line saying so: a second warning, for an outage already over.
        await Burst(http, customer);

        var beforeTheOutage = host.Mark();
        var stopped = DateTime.UtcNow;
        await cluster.Stop();
        // A client (and a load balancer's health probe) keeps knocking all along, as they do.
        var duringTheOutage = new List<(string What, Attempt Attempt)>();
        while (DateTime.UtcNow - stopped < TimeSpan.FromSeconds(12))
        {
            duringTheOutage.Add(("GET /health", await Clients.Send(http, HttpMethod.Get, "/health")));
            duringTheOutage.Add(("POST /api/touchpoints", await Clients.PostTouchpoints(http, Purchase(customer, Jan1.AddDays(1)))));
            await Task.Delay(1_000);
        }
        var outageLasted = DateTime.UtcNow - stopped;
        var linesWhileStopped = host.LinesSince(beforeTheOutage);
        await cluster.Start();

        var recoveredAt = await UntilLogged(host, beforeTheOutage, line => line.StartsWith(Recovered, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var lines = host.LinesSince(beforeTheOutage);
        // Up to the recovery entry's message line.
        var outageLines = recoveredAt is { } index ? lines.Take(index + 2).ToList() : lines.ToList();
        Report(linesWhileStopped, outageLasted);
        output.WriteLine($"{outageLines.Count} lines from the stop to the line saying the database is back, {(DateTime.UtcNow - stopped).TotalSeconds:0.0} s");

        var purchase = Purchase(customer, Jan1.AddDays(2));
        var back = await Clients.UntilAcknowledged(http, purchase, TimeSpan.FromSeconds(30));
        var timeline = await Clients.Send(http, HttpMethod.Get, $"/api/customers/{customer}/timeline");
        var health = await Clients.Send(http, HttpMethod.Get, "/health");
        // Traffic again takes every pooled connection there is, as the operator's did.
        await Burst(http, customer);
        await Task.Delay(2_000);
        var afterwards = host.LinesSince(beforeTheOutage + outageLines.Count);

        outageLines.Count.ShouldBeLessThanOrEqualTo(MostLinesDuringTheOutage,
            $"the log during the outage:{Environment.NewLine}{string.Join(Environment.NewLine, outageLines.Take(60))}");
        var warning = MessageOf(outageLines, Warned).ShouldNotBeNull("no warning that the database is out");
        warning.ShouldContain(Setting);
        warning.ShouldContain("cannot reach");
        // Stopping PostgreSQL ends its sessions ("terminating connection") and then refuses new ones.
        warning.ShouldMatch("terminating connection|Connection refused|Failed to connect|starting up|shutting down");
        warning.ShouldNotContain("Username=", customMessage: "the connection string itself does not go to the log");
        var recovered = MessageOf(outageLines, Recovered).ShouldNotBeNull("no line saying the database is back");
        recovered.ShouldContain(Setting);
        recovered.ShouldContain("answers again");
        afterwards.ShouldNotContain(line => line.StartsWith(Warned, StringComparison.Ordinal),
            $"the outage was told again after the database was back:{Environment.NewLine}{string.Join(Environment.NewLine, afterwards.Take(40))}");

        // /health reports as it did: 503 with Retry-After while the database is out, 200 once it is back.
        foreach (var (what, attempt) in duringTheOutage)
        {
            attempt.Status.ShouldBe(503, $"{what}: {attempt}");
            attempt.RetryAfter.ShouldNotBeNull(what);
        }
        health.Status.ShouldBe(200, health.ToString());
        back.Status.ShouldBe(201, back.ToString());
        var entries = JsonNode.Parse(timeline.Body)!["entries"]!.AsArray();
        entries.Select(e => e!["touchpointId"]!.GetValue<string>()).ShouldContain((string)purchase["touchpointId"]!);
    }

    /// <summary>Reads that many at once that the Host's pool opens a connection for most of them.</summary>
    private static async Task Burst(HttpClient http, string customer) =>
        await Task.WhenAll(Enumerable.Range(0, ConcurrentReads).Select(_ => Clients.Send(http, HttpMethod.Get, $"/api/customers/{customer}/timeline")));

    private const int ConcurrentReads = 60;

    /// <summary>Waits for a line after the mark; its index among the lines since the mark, or null when none came in time.</summary>
    private static async Task<int?> UntilLogged(HostProcess host, int mark, Func<string, bool> wanted, TimeSpan within)
    {
        for (var deadline = DateTime.UtcNow + within; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var lines = host.LinesSince(mark);
            for (var i = 0; i < lines.Count; i++) if (wanted(lines[i])) return i;
        }
        return null;
    }

    /// <summary>The message line of the first entry whose header starts so (the console writes an entry's message on the line after its header).</summary>
    private static string? MessageOf(IReadOnlyList<string> lines, string header)
    {
        for (var i = 0; i + 1 < lines.Count; i++) if (lines[i].StartsWith(header, StringComparison.Ordinal)) return lines[i + 1];
        return null;
    }

    /// <summary>Lines a second by logger category (stack trace lines count under their entry's category), for the record.</summary>
    private void Report(IReadOnlyList<string> lines, TimeSpan outage)
    {
        var category = "(before any entry)";
        var byCategory = new Dictionary<string, int>();
        foreach (var line in lines)
        {
            if (Header().Match(line) is { Success: true } header) category = header.Groups["category"].Value;
            byCategory[category] = byCategory.GetValueOrDefault(category) + 1;
        }
        output.WriteLine($"{lines.Count} lines while the database was stopped ({outage.TotalSeconds:0.0} s), {lines.Count / outage.TotalSeconds:0.0}/s");
        foreach (var (name, count) in byCategory.OrderByDescending(c => c.Value))
            output.WriteLine($"  {count,6} lines  {count / outage.TotalSeconds,6:0.0}/s  {name}");
    }

    [GeneratedRegex(@"^(?:trce|dbug|info|warn|fail|crit): (?<category>[^\[]+)\[")]
    private static partial Regex Header();
}
