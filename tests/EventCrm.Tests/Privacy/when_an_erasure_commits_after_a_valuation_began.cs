using EventCrm.Projections.Privacy;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// A valuation notes a horizon before it reads, and every portfolio answer redacts the customers that
/// <see cref="ErasureLog"/> says were erased from that horizon on. An erasure whose transaction began before the
/// valuation but commits after it read the customer is the one that matters: a mark of what had committed by then
/// (the last erasure, the clock) would leave it out, and its name would be served until the next valuation.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_an_erasure_commits_after_a_valuation_began(PrivacyHost privacy)
{
    [Fact]
    public async Task an_erasure_in_flight_when_the_horizon_is_taken_is_told_once_committed()
    {
        _ = privacy;
        var schema = PrivacyHost.Schema;
        var late = $"late-{Ids.Customer()}";

        // The late erasure's transaction has written its row, not committed, when the valuation notes its horizon.
        await using var erasing = await PrivacyHost.Open();
        await using var transaction = await erasing.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand($"insert into {schema}.{ErasureLog.TableName} (customer_id) values (@id)", erasing, transaction))
        {
            insert.Parameters.AddWithValue("id", late);
            await insert.ExecuteNonQueryAsync();
        }
        await using var valuing = await PrivacyHost.Open();
        var horizon = await ErasureLog.HorizonAsync(valuing, CancellationToken.None);
        await transaction.CommitAsync();

        // (What committed before the horizon is not told, unless a transaction of the cluster older than it is still
        // open: the horizon is the oldest one running. Not asserted: other databases of the cluster have theirs.)
        (await ErasureLog.ErasedSinceAsync(valuing, schema, horizon, CancellationToken.None)).ShouldContain(late);
    }
}
