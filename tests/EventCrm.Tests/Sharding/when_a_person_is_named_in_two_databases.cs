using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Sharding;

public sealed class ShardedMentions() : TwoDatabases("eventcrm_sharded_mentions");

/// <summary>
/// <c>GET /api/privacy/mentions</c> over <c>Tenancy:Databases</c>: each database numbers its own events, so a page is read
/// database by database, in the order of the list, each in its own sequence.
/// </summary>
public sealed class when_a_person_is_named_in_two_databases(ShardedMentions bases) : IClassFixture<ShardedMentions>
{
    [Fact]
    public async Task the_mentions_are_paged_database_by_database_in_the_order_of_tenancy_databases()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (second, firstA, firstB) = (In(1), In(0), In(0));
        // Recorded in db1 first: the order is the databases', then each one's sequence.
        foreach (var id in new[] { second, firstA, firstB })
            await bases.Sharded.PostTouchpoints(new object[]
            {
                Touchpoint.SignUp(id, Touchpoint.Jan1, $"Someone {id}", $"{id}@example.com"),
                Touchpoint.Of("support-call", id, Touchpoint.Jan1.AddDays(1), new { durationMinutes = 5, cost = 10m, resolved = true, reason = $"for Ophelia{tag}" }),
            });

        (await Page(tag, 1, 50)).ShouldBe((3L, 3L, $"db0:{firstA} db0:{firstB} db1:{second}"));
        (await Page(tag, 2, 1)).ShouldBe((3L, 3L, $"db0:{firstB}"));
        // Past db0's two: db0 is only counted, the page is db1's first.
        (await Page(tag, 3, 1)).ShouldBe((3L, 3L, $"db1:{second}"));
        (await Page(tag, 2, 2)).ShouldBe((3L, 3L, $"db1:{second}"));
        (await Page(tag, 4, 1)).ShouldBe((3L, 3L, ""));
    }

    private static string In(int database)
    {
        while (true)
        {
            var id = Ids.Customer();
            if (CustomerShardRule.DatabaseOf(id, 2) == database) return id;
        }
    }

    /// <summary>The page's total, customers, and its mentions as "database:customer", space-separated.</summary>
    private async Task<(long Total, long Customers, string Found)> Page(string tag, int page, int pageSize)
    {
        var answer = await bases.Sharded.GetJson($"/api/privacy/mentions?text=ophelia{tag}&page={page}&pageSize={pageSize}");
        return (answer["total"]!.GetValue<long>(), answer["customers"]!.GetValue<long>(),
            string.Join(" ", answer["mentions"]!.AsArray().Select(m => $"{m!["database"]!.GetValue<string>()}:{m["customerId"]!.GetValue<string>()}")));
    }
}
