using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public sealed class HeldCustomerHost() : ProcessSchemaHost("eventcrm_held_customer");

/// <summary>
/// One customer's stream held locked by a transaction outside the service (an operator's psql, an
/// import tool): the writers share transactions among requests, and must not make every other
/// customer's post wait for that one (docs/reliability.md, "One customer held locked").
/// </summary>
public class when_a_customer_is_held_locked_elsewhere(HeldCustomerHost app) : IClassFixture<HeldCustomerHost>
{
    private Task<IScenarioResult> Post(object body) =>
        app.Host.Scenario(x => { x.Post.Json(body).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); });

    [Fact]
    public async Task the_others_go_through_and_its_posts_are_answered_busy_then_land_once_on_retry()
    {
        var held = Ids.Customer();
        var known = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(held, Jan1), SignUp(known, Jan1) });
        var newcomers = Enumerable.Range(0, 6).Select(_ => Ids.Customer()).ToArray();
        var heldPurchases = Enumerable.Range(1, 3).Select(day => Purchase(held, Jan1.AddDays(day))).ToArray();
        // An array for the held customer and a new one: all-or-nothing, so nothing of it is appended.
        var alongside = Ids.Customer();
        var mixed = new[] { SignUp(alongside, Jan1), Purchase(held, Jan1.AddDays(4)) };
        var otherBodies = newcomers.Select(c => SignUp(c, Jan1)).Append(Purchase(known, Jan1.AddDays(1))).ToArray();

        IScenarioResult[] heldAnswers, otherAnswers;
        IScenarioResult mixedAnswer;
        await using (var holder = await HeldStreamLock.Of(app.Schema, held))
        {
            // Two posts for the held customer occupy both writers, waiting for its lock: one after the
            // other, or the first writer could take both in one transaction and leave the second free.
            var first = Post(heldPurchases[0]);
            await holder.UntilWaitedOnBy(1);
            var second = Post(heldPurchases[1]);
            await holder.UntilWaitedOnBy(2);
            var waitingForTheLock = new[] { first, second };
            // Meanwhile the others queue and leave together, a third post for the held customer among them.
            var others = otherBodies.Take(3).Select(Post).ToList();
            await Task.Delay(100);
            var third = Post(heldPurchases[2]);
            var mixedPost = Post(mixed);
            await Task.Delay(100);
            others.AddRange(otherBodies.Skip(3).Select(Post));

            // Held no longer than the 30 s command timeout, past which a writer stuck behind the lock
            // also answers (503 "Database too slow"): the others must be answered while it holds.
            var othersAnswered = Task.WhenAll(others);
            (await Task.WhenAny(othersAnswered, Task.Delay(TimeSpan.FromSeconds(25)))).ShouldBe(othersAnswered,
                "the other customers' posts waited for the held customer's lock");
            otherAnswers = await othersAnswered;
            heldAnswers = await Task.WhenAll(waitingForTheLock.Append(third));
            mixedAnswer = await mixedPost;
            // Still held: nothing of the held customer's posts was written.
            (await app.Store.EventCount(held)).ShouldBe(1);
            (await app.Store.EventCount(alongside)).ShouldBe(0);
        }

        otherAnswers.Select(a => a.Context.Response.StatusCode).ShouldAllBe(status => status == 201);
        foreach (var newcomer in newcomers) (await app.Store.EventCount(newcomer)).ShouldBe(1);
        (await app.Store.EventCount(known)).ShouldBe(2);

        foreach (var answer in heldAnswers)
        {
            answer.Context.Response.StatusCode.ShouldBe(503);
            answer.Context.Response.Headers.RetryAfter.ToString().ShouldBe("2");
            var problem = JsonNode.Parse(await answer.ReadAsTextAsync())!;
            problem["title"]!.GetValue<string>().ShouldBe("Customer busy");
            problem["detail"]!.GetValue<string>().ShouldContain($"customer {held} is locked by another transaction");
            problem["errors"]!["customerId"]![0]!.GetValue<string>().ShouldStartWith($"{held} is busy");
        }

        // The array names only the customer held, not the one alongside it.
        mixedAnswer.Context.Response.StatusCode.ShouldBe(503);
        var mixedProblem = JsonNode.Parse(await mixedAnswer.ReadAsTextAsync())!;
        mixedProblem["errors"]!["customerId"]!.AsArray().Select(e => e!.GetValue<string>().Split(' ')[0]).ShouldBe([held]);

        // Released: sent again, each lands; sent once more, each is a repeat.
        foreach (var purchase in heldPurchases) await app.Host.PostTouchpoints(purchase, 201);
        await app.Host.PostTouchpoints(mixed, 201);
        foreach (var purchase in heldPurchases) await app.Host.PostTouchpoints(purchase, 200);
        await app.Host.PostTouchpoints(mixed, 200);
        (await app.Store.EventCount(held)).ShouldBe(1 + 3 + 1);
        (await app.Store.EventCount(alongside)).ShouldBe(1);
    }

    /// <summary>
    /// A writer that locked one customer, then gave up waiting for another, leaves its connection fit
    /// for the next writers. Npgsql prepares the locking round trip on a connection's third use; when a
    /// statement of it failed after sending rows, Npgsql took the statements after it for prepared, and
    /// the connection then failed every later round trip of that shape with 26000 "prepared statement
    /// _autoN does not exist" (in the service: a 500 for every post it carried, until the connection closed).
    /// </summary>
    [Fact]
    public async Task a_connection_that_gave_up_waiting_serves_the_next_writers()
    {
        // Named so that any collation locks the free customer first, then waits for the held one.
        var stem = Ids.Customer();
        var (free, held) = ($"{stem}-a", $"{stem}-b");
        await app.Host.PostTouchpoints(new[] { SignUp(free, Jan1), SignUp(held, Jan1) });
        var rows = app.Host.Services.GetRequiredService<StreamRows>();
        // The Host's connection settings, in a pool of one: every round trip below is on that connection.
        await using var oneConnection = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(HostConnections.Prepare(DataCommandLine.ConnectionString())) { MaxPoolSize = 1 }.ConnectionString);

        async Task<LockedStreams> LockBoth()
        {
            // Closed without a rollback, as the appender leaves a failed transaction to the pool.
            await using var connection = await oneConnection.OpenConnectionAsync();
            return await rows.BeginAndLockAsync(connection, [], [free, held], boundedWait: true, default);
        }

        await using (var holder = await HeldStreamLock.Of(app.Schema, held))
        {
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                var refused = await Should.ThrowAsync<PostgresException>(LockBoth());
                refused.SqlState.ShouldBe(PostgresErrorCodes.LockNotAvailable, $"attempt {attempt}: {refused.MessageText}");
            }
        }

        var locked = await LockBoth();
        locked.Profiles.Keys.Order(StringComparer.Ordinal).ShouldBe([free, held]);
        locked.Profiles.Values.ShouldAllBe(profile => profile.Version == 1);
    }
}
