using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public class when_a_writer_deadlocks_with_another(AppFixture app)
{
    [Fact]
    public async Task the_post_cancelled_by_the_database_is_decided_again_and_lands()
    {
        var (first, second) = (Ids.Customer(), Ids.Customer());
        if (string.CompareOrdinal(first, second) > 0) (first, second) = (second, first);
        // Another writer has started the second customer's stream and not committed yet, in a savepoint.
        await using var other = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        // PostgreSQL looks for a deadlock once per wait, deadlock_timeout (1 s) after it began, and cancels the
        // transaction that looks and finds it. The other writer's own look is put off well past the scenario;
        // the post's, see below, comes after the cycle is closed.
        await Execute(other, new("set local deadlock_timeout = '10min'"), new("savepoint started_apart"));
        await Execute(other, Start(second));

        // The post starts the first customer, then waits for the other writer on the second.
        var posting = app.Host.Scenario(x =>
        {
            x.Post.Json(new[] { SignUp(first, Jan1), SignUp(second, Jan1) }).ToUrl("/api/touchpoints");
            x.IgnoreStatusCode();
        });
        await LockWaits.UntilBlockedBy(other.ProcessID);
        // The other writer now wants the first customer too: each waits for the other. The post waited on the
        // savepoint's transaction: released, it waits anew on the other writer's, with a look of its own 1 s
        // later, at a cycle closed by then in the same round trip whatever the test's delay (its first look, 1 s
        // after it began to wait, may have come before). The post's transaction is cancelled; this insert then goes through.
        await Execute(other, new("release savepoint started_apart"), Start(first));
        await transaction.RollbackAsync();

        var answer = await posting;
        answer.Context.Response.StatusCode.ShouldBe(201);
        (await app.Store.EventCount(first)).ShouldBe(1);
        (await app.Store.EventCount(second)).ShouldBe(1);
    }

    private static NpgsqlBatchCommand Start(string customer) =>
        new($"insert into {AppFixture.Schema}.mt_streams (id, version) values ($1, 1)") { Parameters = { new NpgsqlParameter { Value = customer } } };

    /// <summary>In one round trip: the server runs each statement right after the one before.</summary>
    private static async Task Execute(NpgsqlConnection connection, params NpgsqlBatchCommand[] statements)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in statements) batch.BatchCommands.Add(statement);
        await batch.ExecuteNonQueryAsync();
    }
}
