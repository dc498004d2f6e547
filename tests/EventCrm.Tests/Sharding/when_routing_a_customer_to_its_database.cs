using EventCrm.Host.Sharding;
using Shouldly;

namespace EventCrm.Tests.Sharding;

public sealed class when_routing_a_customer_to_its_database
{
    // FNV-1a 32-bit test vectors published with the algorithm (Fowler, Noll, Vo: "FNV hash" test suite).
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void the_hash_is_fnv_1a(string text, uint expected) =>
        CustomerShardRule.Fnv1a(System.Text.Encoding.UTF8.GetBytes(text)).ShouldBe(expected);

    // "a": 0xe40c292c mod 1024 = 0x12c = 300; "foobar": 0xbf9cf968 mod 1024 = 0x168 = 360.
    // Database = bucket x N / 1024: 300 -> 0 of 2, 1 of 4; 360 -> 0 of 2, 1 of 3.
    [Theory]
    [InlineData("a", 2, 0)]
    [InlineData("a", 4, 1)]
    [InlineData("foobar", 2, 0)]
    [InlineData("foobar", 3, 1)]
    public void buckets_are_split_in_contiguous_ranges(string customer, int databases, int expected)
    {
        CustomerShardRule.BucketOf(customer).ShouldBe(customer == "a" ? 300 : 360);
        CustomerShardRule.DatabaseOf(customer, databases).ShouldBe(expected);
    }

    [Fact]
    public void one_database_holds_everyone() =>
        Enumerable.Range(0, 500).Select(i => CustomerShardRule.DatabaseOf($"c-{i}", 1)).Distinct().ShouldBe([0]);
}
