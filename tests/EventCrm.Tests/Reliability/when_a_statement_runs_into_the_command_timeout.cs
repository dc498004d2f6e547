using System.Diagnostics;
using System.Text.Json.Nodes;
using EventCrm.Host.Reliability;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>A schema of its own, a command timeout of 2 s instead of 30 (the scenario waits for it), and the Host's log.</summary>
public sealed class CommandTimeoutHost() : SchemaHost("eventcrm_command_timeout",
    ("ConnectionStrings:EventCrm", DataCommandLine.ConnectionString() + ";Command Timeout=2"))
{
    public CapturedLogs Captured { get; } = new();
    protected override CapturedLogs? Logs => Captured;
}

/// <summary>
/// A statement that waits past Npgsql's command timeout (here for a table another session holds
/// locked: an operator's <c>lock table</c>, a long migration) is cancelled. It was answered as a
/// database outage (503 "Service unavailable": "The database is unavailable"), and the log opened and
/// closed an outage, while the database answered everyone else at once and /health said 200. It is now
/// told for what it is: 503 "Database too slow" with Retry-After, a slow statement in the log naming the
/// route, and no outage.
/// </summary>
public class when_a_statement_runs_into_the_command_timeout(CommandTimeoutHost app) : IClassFixture<CommandTimeoutHost>
{
    [Fact]
    public async Task the_request_is_told_the_database_was_too_slow_and_health_and_the_log_see_no_outage()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var mark = app.Captured.Mark();

        (int Status, string? RetryAfter, JsonNode Problem, TimeSpan Took) read;
        await using (var holder = new NpgsqlConnection(DataCommandLine.ConnectionString()))
        {
            await holder.OpenAsync();
            await using var transaction = await holder.BeginTransactionAsync();
            // Reads of the profiles wait for this lock: the customer read's statement is cancelled at 2 s.
            await using (var lockTable = new NpgsqlCommand($"lock table {app.Schema}.mt_doc_customerprofile in access exclusive mode", holder, transaction))
                await lockTable.ExecuteNonQueryAsync();

            read = await Answer($"/api/customers/{customer}");
            // The database answers all the while.
            (await Answer("/health")).Status.ShouldBe(200);
        }

        read.Status.ShouldBe(503);
        read.RetryAfter.ShouldBe("5");
        read.Problem["title"]!.GetValue<string>().ShouldBe("Database too slow");
        read.Problem["detail"]!.GetValue<string>().ShouldStartWith("The database took too long to answer a statement of this request");
        // The 2 s command timeout, and Npgsql's cancellation round trip; not the 3 s connect timeout of an outage twice over.
        read.Took.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9));
        read.Took.ShouldBeLessThan(TimeSpan.FromSeconds(10));

        var logged = app.Captured.Since(mark);
        logged.ShouldContain(e => e.Category == typeof(FaultProblems).FullName && e.Level == LogLevel.Warning
            && e.Message.StartsWith($"GET /api/customers/{customer}: slow statement, cancelled at the command timeout"));
        logged.Where(e => e.Category == typeof(DatabaseOutageLog).FullName).Select(e => e.Message).ShouldBeEmpty("one slow statement is no outage");

        // The lock gone, the same read is served, and /health never turned.
        (await Answer($"/api/customers/{customer}")).Status.ShouldBe(200);
        (await Answer("/health")).Status.ShouldBe(200);
    }

    [Fact]
    public void npgsqls_timeout_and_the_servers_cancel_are_slow_statements_not_outages()
    {
        var timedOut = new NpgsqlException(DatabaseFaults.StatementTimedOutMessage, new TimeoutException("Timeout during reading attempt"));
        var cancelled = new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled);
        var broken = new NpgsqlException(DatabaseFaults.StatementTimedOutMessage, new IOException("Connection reset by peer"));
        foreach (var slow in new Exception[] { timedOut, cancelled, new InvalidOperationException("Marten Command Failure", timedOut) })
        {
            (DatabaseFaults.IsSlowStatement(slow), DatabaseFaults.IsOutage(slow)).ShouldBe((true, false), slow.ToString());
            FaultProblems.Answer(slow, requestHasBody: false)!.Title.ShouldBe("Database too slow");
        }
        (DatabaseFaults.IsSlowStatement(broken), DatabaseFaults.IsOutage(broken)).ShouldBe((false, true));
        FaultProblems.Answer(broken, requestHasBody: false)!.Title.ShouldBe("Service unavailable");
    }

    private async Task<(int Status, string? RetryAfter, JsonNode Problem, TimeSpan Took)> Answer(string url)
    {
        var watch = Stopwatch.StartNew();
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.IgnoreStatusCode();
        }).WaitAsync(TimeSpan.FromSeconds(30));
        var took = watch.Elapsed;
        return (result.Context.Response.StatusCode, result.Context.Response.Headers.RetryAfter.FirstOrDefault(), JsonNode.Parse(await result.ReadAsTextAsync())!, took);
    }
}
