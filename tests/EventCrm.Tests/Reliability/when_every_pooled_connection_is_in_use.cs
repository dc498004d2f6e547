using System.Diagnostics;
using System.Text.Json.Nodes;
using EventCrm.Host.Reliability;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>A schema of its own and a pool of 6 connections, which the scenario fills itself.</summary>
public sealed class PoolFullHost() : SchemaHost("eventcrm_pool_full", ("ConnectionStrings:EventCrm", DataCommandLine.ConnectionString() + ";Maximum Pool Size=6"));

/// <summary>
/// Every connection of the node's pool is in use (seen with a hundred slow exports, before
/// Export:MaxConcurrent): the database answers anyone else at once. Requests that need it wait the
/// connection string's Timeout (3 s) and are answered 503 "Service busy", saying the node's connections
/// are all in use, and /health says the same, where both used to say the database was unavailable or did
/// not answer, sending an operator to look at a healthy database. Once a connection is free, both serve again.
/// </summary>
public class when_every_pooled_connection_is_in_use(PoolFullHost app) : IClassFixture<PoolFullHost>
{
    [Fact]
    public async Task requests_and_health_say_the_node_is_busy_not_that_the_database_is_out()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        var held = await PooledConnections.TakeEveryOneAsync(app.Store, poolSize: 6);
        try
        {
            var read = await Answer($"/api/customers/{customer}");
            read.Status.ShouldBe(503);
            read.RetryAfter.ShouldBe("5");
            read.Problem["title"]!.GetValue<string>().ShouldBe("Service busy");
            read.Problem["detail"]!.GetValue<string>().ShouldStartWith("Every database connection of this node is in use");

            var health = await Answer("/health");
            health.Status.ShouldBe(503);
            health.RetryAfter.ShouldBe("5");
            health.Problem["title"]!.GetValue<string>().ShouldBe("Service busy");
            health.Problem["detail"]!.GetValue<string>().ShouldStartWith("The database answers, but every database connection of this node is in use");
            // Within the health check's patience (3 s), as when the database does not answer: a load balancer's probe waits no longer.
            health.Took.ShouldBeLessThan(TimeSpan.FromSeconds(4.5));
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }

        (await Answer("/health")).Status.ShouldBe(200);
        (await Answer($"/api/customers/{customer}")).Status.ShouldBe(200);
    }

    private async Task<(int Status, string? RetryAfter, JsonNode Problem, TimeSpan Took)> Answer(string url)
    {
        var watch = Stopwatch.StartNew();
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.IgnoreStatusCode();
        });
        var took = watch.Elapsed;
        var body = await result.ReadAsTextAsync();
        return (result.Context.Response.StatusCode, result.Context.Response.Headers.RetryAfter.FirstOrDefault(), JsonNode.Parse(body)!, took);
    }
}
