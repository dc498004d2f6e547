using System.Text.Json.Nodes;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

public sealed class LostPreparedStatementsHost() : SmallPoolHost("eventcrm_lost_prepared");

/// <summary>
/// Npgsql (10.0.3) loses track of the statements it auto-prepares on a connection when a statement
/// of a batch fails, or is cancelled, after sending rows: it takes the statements after it for
/// prepared, and the connection fails every later batch holding one of them with 26000 "prepared
/// statement _autoN does not exist". Every post the connection carried was a 500, for as long as it
/// lived. Now the first failure is answered 503 "Database connection reset" and closes the node's
/// connections: the next posts go through.
/// </summary>
public class when_a_pooled_connection_loses_track_of_its_prepared_statements(LostPreparedStatementsHost app)
    : IClassFixture<LostPreparedStatementsHost>
{
    [Fact]
    public async Task the_first_post_on_it_is_answered_503_and_the_next_ones_go_through()
    {
        await app.Host.PostTouchpoints(SignUp(Ids.Customer(), Jan1));
        await OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6);
        var mark = app.Captured.Mark();
        using var metrics = new RecordedMetrics(app.Host.Services);

        var customers = Enumerable.Range(0, 8).Select(_ => Ids.Customer()).ToArray();
        var answers = new List<(string Customer, int Status, string? RetryAfter, JsonNode? Problem)>();
        foreach (var customer in customers)
        {
            var result = await app.Host.Scenario(s => { s.Post.Json(SignUp(customer, Jan1)).ToUrl("/api/touchpoints"); s.IgnoreStatusCode(); });
            var status = result.Context.Response.StatusCode;
            answers.Add((customer, status, result.Context.Response.Headers.RetryAfter.FirstOrDefault(),
                status == 201 ? null : JsonNode.Parse(await result.ReadAsTextAsync())));
        }

        var reset = answers.FindIndex(a => a.Status != 201);
        reset.ShouldBeGreaterThanOrEqualTo(0, "no post met a connection that had lost track of its prepared statements");
        var (resetCustomer, resetStatus, retryAfter, problem) = answers[reset];
        resetStatus.ShouldBe(503);
        retryAfter.ShouldBe("1");
        problem!["title"]!.GetValue<string>().ShouldBe("Database connection reset");
        problem["detail"]!.GetValue<string>().ShouldContain("lost track of the statements it had prepared");
        answers.Skip(reset + 1).Select(a => a.Status).ShouldAllBe(status => status == 201);
        app.Captured.Since(mark).ShouldContain(e => e.Message.Contains("lost track of its prepared statements"));
        metrics.Sum("eventcrm.touchpoints.refused", "error.type", "connection_reset").ShouldBe(1, "the one touchpoint of the post answered 503");

        (await app.Store.EventCount(resetCustomer)).ShouldBe(0);
        await app.Host.PostTouchpoints(SignUp(resetCustomer, Jan1), 201);
    }
}
