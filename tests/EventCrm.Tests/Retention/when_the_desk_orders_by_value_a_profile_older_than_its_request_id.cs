using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>A schema of its own: the list holds every client asking to cancel in the base.</summary>
public sealed class OldProfilesByValueHost() : SchemaHost("eventcrm_retention_old_profiles_value");

/// <summary>
/// Profiles stored before 2026-12-05 do not keep their latest cancellation request's id (<c>latestCancellationId</c>),
/// so the decision events alone cannot say which request is pending: <c>order=value</c> reads such a client's stream
/// instead, and places it by the value it was assessed with, not among the clients still assessed.
/// </summary>
public class when_the_desk_orders_by_value_a_profile_older_than_its_request_id(OldProfilesByValueHost desk) : IClassFixture<OldProfilesByValueHost>
{
    [Fact]
    public async Task the_client_is_placed_by_the_value_its_stream_says_it_was_assessed_with()
    {
        var host = desk.Host;
        // As in when_the_desk_orders_its_work_list_by_value: 10 purchases' margin a year at no cost, x 0.75 / 0.33:
        // 400 a purchase: 9,090.91; 800: 18,181.82; 1,200: 27,272.73.
        var (small, middle, large) = (await RetentionClients.Alpha(host, margin: 400m), await RetentionClients.Alpha(host, margin: 800m),
            await RetentionClients.Alpha(host, margin: 1_200m));
        foreach (var alpha in new[] { small, middle, large })
        {
            await RetentionClients.RequestCancellation(host, alpha);
            (await RetentionClients.Decision(host, alpha))["decision"]!.GetValue<string>().ShouldBe("offer-made");
        }

        // The largest client's profile as it was stored before the field existed.
        (await Sql("select count(*) from {0} where id = @id and data ? 'latestCancellationId'", large)).ShouldBe(1L, "the projection keeps the request's id");
        (await Sql("update {0} set data = data - 'latestCancellationId' where id = @id", large)).ShouldBe(1L);
        (await Sql("select count(*) from {0} where id = @id and data ? 'latestCancellationId'", large)).ShouldBe(0L);

        var byValue = await host.GetJson("/api/retention/pending?order=value");

        // Highest first, the old-shaped profile among them by its value: without its stream read it had no value and came last.
        byValue["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([large, middle, small]);
        byValue["items"]!.AsArray().Select(i => i!["currentValue"]!.GetValue<decimal>())
            .Zip(new[] { 27_272.73m, 18_181.82m, 9_090.91m }).ShouldAllBe(v => Math.Abs(v.First - v.Second) <= 0.05m);
        var (first, second) = (await host.GetJson("/api/retention/pending?order=value&page=1&pageSize=1"),
            await host.GetJson("/api/retention/pending?order=value&page=2&pageSize=2"));
        first["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([large]);
        second["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([small]);
    }

    /// <summary>A count read from the profile table ({0}), or how many rows an update changed.</summary>
    private async Task<long> Sql(string sql, string id)
    {
        await using var connection = desk.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(string.Format(sql, $"{desk.Schema}.mt_doc_customerprofile"), connection);
        command.Parameters.AddWithValue("id", id);
        return sql.StartsWith("update", StringComparison.Ordinal) ? await command.ExecuteNonQueryAsync() : (long)(await command.ExecuteScalarAsync())!;
    }
}
