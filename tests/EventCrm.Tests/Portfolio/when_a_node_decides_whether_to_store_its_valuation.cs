using EventCrm.Host.Portfolio;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>A node that stores a valuation at most once an hour, and values the base only when a scenario asks.</summary>
public sealed class HourlyStoredValuationBase() : SchemaHost("eventcrm_portfolio_stored_hourly",
    ("Portfolio:StoredValuation", "on"), ("Portfolio:StoreValuationEvery", "01:00:00"), ("Portfolio:RefreshAfter", "01:00:00"),
    ("Portfolio:ValueAtStart", "off"))
{
    public StoredValuations Stored => Host.Services.GetRequiredService<StoredValuations>();

    public Task<PortfolioSnapshot> RevalueAsync() => Host.Services.GetRequiredService<PortfolioBase>().RevalueAsync();

    public Task<long> RowsStored() => DataCommandLine.Count($"select count(*) from {Schema}.portfolio_valuations");
}

/// <summary>
/// `./eventcrm run` starts the service, which values the base at once, then seeds the demo: the valuation of the empty base
/// was stored, and a node restarted within StoreValuationEvery (30 minutes) answered the portfolio as a base of no
/// customers until its own valuation. An empty base is not stored now, and a base a tenth larger or smaller than the one
/// stored has its valuation stored at once.
/// </summary>
public class when_a_node_decides_whether_to_store_its_valuation(HourlyStoredValuationBase app) : IClassFixture<HourlyStoredValuationBase>
{
    [Fact]
    public async Task an_empty_base_is_not_stored_and_its_first_customers_are_stored_at_once_then_not_again_within_the_hour()
    {
        (await app.RevalueAsync()).Customers.Count.ShouldBe(0);
        await Task.Delay(500);
        (await app.RowsStored()).ShouldBe(0);
        app.Stored.LastStoredAsOf.ShouldBeNull();

        await app.Host.PostTouchpoints(new[] { SignUp("first", Jan1), SignUp("second", Jan1) });
        await app.Store.CatchUp();
        var first = await app.RevalueAsync();
        await Waits.Until(() => app.Stored.LastStoredAsOf == first.AsOf);

        // Within the hour, the same two customers: nothing new to keep.
        var same = await app.RevalueAsync();
        await Task.Delay(500);
        app.Stored.LastStoredAsOf.ShouldBe(first.AsOf);
        same.AsOf.ShouldBeGreaterThan(first.AsOf);

        // A third customer: 3 against 2 stored is more than a tenth more (a tenth of 2 rounds to none; one customer is the least).
        await app.Host.PostTouchpoints(new[] { SignUp("third", Jan1) });
        await app.Store.CatchUp();
        var grown = await app.RevalueAsync();
        await Waits.Until(() => app.Stored.LastStoredAsOf == grown.AsOf);
        (await app.RowsStored()).ShouldBe(1, "only the newest is kept");
    }
}
