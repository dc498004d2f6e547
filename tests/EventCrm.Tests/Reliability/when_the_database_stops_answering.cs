using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// The database stops answering without refusing anything (a process paused with SIGSTOP, a
/// firewall dropping packets): connections open, queries wait. /health gives up after its 3 s and
/// answers 503. Its giving up is the outage the log tells once (docs/reliability.md, "The log during
/// an outage"), not a warning with a stack trace for every probe of a load balancer, as it was.
/// The Host reaches the database through a relay in this process that stops forwarding.
/// </summary>
[Collection(FaultScenarios.Name)]
public class when_the_database_stops_answering(ITestOutputHelper output)
{
    private const string Warned = "warn: EventCrm.Host.Reliability.DatabaseOutageLog";
    private const string Recovered = "info: EventCrm.Host.Reliability.DatabaseOutageLog";
    private const string HealthWarned = "warn: EventCrm.Host.Health.GetHealthEndpoint";
    private const string Schema = "eventcrm_stalled_database";

    [Fact]
    public async Task health_says_503_and_the_log_tells_the_outage_once_and_its_end()
    {
        var database = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await DataCommandLine.DropSchema(Schema);
        await using var proxy = StallingProxy.To(database);
        try
        {
            await using var host = await HostProcess.Start("stalled-database", proxy.Through(database), Schema, AppFixture.AdminKey);
            using var http = Clients.For(host.BaseAddress, AppFixture.AdminKey, TimeSpan.FromSeconds(60));
            // The Host's agents and daemon settle on a database that answers before it stops.
            await Task.Delay(3_000);

            var beforeTheStall = host.Mark();
            proxy.Stall();
            // A load balancer's probe, once a second: each waits its 3 s, then the next.
            var probes = new List<Attempt>();
            for (var probe = 0; probe < 4; probe++)
            {
                probes.Add(await Clients.Send(http, HttpMethod.Get, "/health"));
                await Task.Delay(1_000);
            }
            var linesWhileStalled = host.LinesSince(beforeTheStall);
            proxy.Resume();
            var recovered = await UntilLogged(host, beforeTheStall, Recovered, TimeSpan.FromSeconds(60));
            var health = await Clients.Send(http, HttpMethod.Get, "/health");
            var lines = host.LinesSince(beforeTheStall);
            output.WriteLine(string.Join(Environment.NewLine, probes.Select(probe => $"GET /health: {probe}")));
            output.WriteLine(string.Join(Environment.NewLine, lines.Take(80)));

            foreach (var probe in probes)
            {
                probe.Status.ShouldBe(503, probe.ToString());
                probe.RetryAfter.ShouldNotBeNull(probe.ToString());
            }
            linesWhileStalled.ShouldNotContain(line => line.StartsWith(HealthWarned, StringComparison.Ordinal),
                "each probe wrote its own warning, stack trace and all");
            lines.Count(line => line.StartsWith(Warned, StringComparison.Ordinal)).ShouldBe(1, "the outage is told once");
            var warning = MessageOf(lines, Warned).ShouldNotBeNull();
            warning.ShouldContain("cannot reach the database of ConnectionStrings:EventCrm");
            warning.ShouldNotContain("Username=", customMessage: "the connection string itself does not go to the log");
            recovered.ShouldNotBeNull("no line saying the database answers again");
            MessageOf(lines, Recovered).ShouldNotBeNull().ShouldContain("answers again");
            lines.ShouldNotContain(line => line.StartsWith("   at ", StringComparison.Ordinal), "a stack trace in the log");
            health.Status.ShouldBe(200, health.ToString());
        }
        finally
        {
            await DataCommandLine.DropSchema(Schema);
        }
    }

    private static async Task<int?> UntilLogged(HostProcess host, int mark, string header, TimeSpan within)
    {
        for (var deadline = DateTime.UtcNow + within; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var lines = host.LinesSince(mark);
            for (var i = 0; i < lines.Count; i++) if (lines[i].StartsWith(header, StringComparison.Ordinal)) return i;
        }
        return null;
    }

    /// <summary>The message line of the first entry with this header (the console writes it on the line after).</summary>
    private static string? MessageOf(IReadOnlyList<string> lines, string header)
    {
        for (var i = 0; i + 1 < lines.Count; i++) if (lines[i].StartsWith(header, StringComparison.Ordinal)) return lines[i + 1];
        return null;
    }
}
