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
        // Another writer has started the second customer's stream and not committed yet.
        await using var other = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await StartStream(other, second);

        // The post starts the first customer, then waits for the other writer on the second.
        var posting = app.Host.Scenario(x =>
        {
            x.Post.Json(new[] { SignUp(first, Jan1), SignUp(second, Jan1) }).ToUrl("/api/touchpoints");
            x.IgnoreStatusCode();
        });
        await LockWaits.UntilBlockedBy(other.ProcessID);
        // The other writer now wants the first customer too: each waits for the other. PostgreSQL
        // cancels the transaction that has waited longest (the post's) once deadlock_timeout passes.
        await StartStream(other, first);
        await transaction.RollbackAsync();

        var answer = await posting;
        answer.Context.Response.StatusCode.ShouldBe(201);
        (await app.Store.EventCount(first)).ShouldBe(1);
        (await app.Store.EventCount(second)).ShouldBe(1);
    }

    private static async Task StartStream(NpgsqlConnection connection, string customer)
    {
        await using var insert = new NpgsqlCommand($"insert into {AppFixture.Schema}.mt_streams (id, version) values (@id, 1)", connection);
        insert.Parameters.AddWithValue("id", customer);
        await insert.ExecuteNonQueryAsync();
    }
}
