using EventCrm.Host.Rebuilds;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>A page of the profiles' rebuild holds what fits in memory: customers in id order up to a number of events, and never nobody.</summary>
public class when_paging_the_profiles_rebuild
{
    [Fact]
    public void customers_are_taken_until_their_events_would_pass_the_limit() =>
        InPlaceProfileRebuild.Page([("a", 400), ("b", 500), ("c", 100), ("d", 1)], maxEvents: 1_000).ShouldBe(["a", "b", "c"]);

    [Fact]
    public void a_customer_longer_than_the_limit_is_a_page_of_its_own() =>
        InPlaceProfileRebuild.Page([("a", 5_000), ("b", 1)], maxEvents: 1_000).ShouldBe(["a"]);

    [Fact]
    public void the_limit_stops_at_the_first_customer_that_would_pass_it_even_if_a_later_one_fits() =>
        InPlaceProfileRebuild.Page([("a", 900), ("b", 200), ("c", 50)], maxEvents: 1_000).ShouldBe(["a"]);

    [Fact]
    public void no_customer_left_is_an_empty_page() => InPlaceProfileRebuild.Page([], maxEvents: 1_000).ShouldBeEmpty();
}
