using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The profiles' rebuild under a running service, while a client posts touchpoints: a page's
/// streams took 0.6 s to read on the demo base and over 2 s in a cold `rebuild` command, and a
/// client posting to one of the page's customers meanwhile waited that long under the page's
/// locks and, past 2 s, was answered 503 "Customer busy" (2026-12-06, seed-demo --customers 2000).
/// The page is read before its streams are locked; what was appended meanwhile is read again.
/// </summary>
public class when_a_profiles_page_is_slow_to_read(SlowProfileReadBase profiles) : IClassFixture<SlowProfileReadBase>
{
    private static string Customer(int n) => SlowProfileReadBase.Customer(n);

    [Fact]
    public async Task a_client_posting_to_a_customer_of_that_page_is_not_held_and_its_touchpoint_is_in_the_rebuilt_profile()
    {
        await profiles.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        await profiles.Folds.Reading.WaitAsync(TimeSpan.FromSeconds(30));

        // The page (all three customers) is being read, held there as long as the scenario likes:
        // a purchase of the second customer is taken at once, not after the read, nor refused as busy.
        var posting = profiles.Host.PostTouchpoints(Purchase(Customer(2), Jan1.AddDays(9)));
        var first = await Task.WhenAny(posting, Task.Delay(TimeSpan.FromSeconds(10)));
        profiles.Folds.Release();
        first.ShouldBe(posting, "the post waited for the rebuild's read of the page");
        await posting;

        var done = await RebuildWaits.UntilCompleted(profiles.Host, "CustomerProfile");
        done["lastRebuild"]!["customersRebuilt"]!.GetValue<long>().ShouldBe(3);
        // The page was read once whole, then, under its locks, the one customer appended to meanwhile.
        profiles.Folds.Reads.Select(r => string.Join(",", r)).ShouldBe(["sp-1,sp-2,sp-3", "sp-2"]);
        await using var session = profiles.Store.QuerySession();
        var all = (await session.Query<CustomerProfile>().ToListAsync()).OrderBy(p => p.Id).ToList();
        all.Select(p => (p.Id, p.TouchpointCount, p.Version)).ShouldBe([("sp-1", 2, 2L), ("sp-2", 3, 3L), ("sp-3", 2, 2L)]);
    }
}
