using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>Three customers, PRL1 to PRL3: one page of the in-place rebuild.</summary>
public sealed class ProfileRebuildLagHost() : SchemaHost(SchemaName)
{
    public const string SchemaName = "eventcrm_metrics_profile_rebuild";

    protected override async Task SeedAsync()
    {
        foreach (var customer in new[] { "PRL1", "PRL2", "PRL3" }) await Host.PostTouchpoints(new[] { SignUp(customer, Jan1) });
    }
}

/// <summary>eventcrm.rebuild.profiles.lag, the in-place rebuild's progress (docs/operations.md, "Metrics").</summary>
public class when_a_data_team_watches_the_profiles_rebuilt_in_place(ProfileRebuildLagHost app) : IClassFixture<ProfileRebuildLagHost>
{
    [Fact]
    public async Task the_customers_left_are_counted_while_a_held_customer_stops_the_rebuild_and_the_figure_goes_once_it_completes()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        metrics.Observe("eventcrm.rebuild.profiles.lag").ShouldBeEmpty();

        // A transaction holds PRL2: the rebuild does PRL1, then waits for PRL2. Of the 3 customers, 2 are left.
        await using (await HeldStreamLock.Of(ProfileRebuildLagHost.SchemaName, "PRL2"))
        {
            await app.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
            var held = await Waits.For(() => metrics.Observe("eventcrm.rebuild.profiles.lag") is [{ Value: 2 } reading] ? reading : null, TimeSpan.FromSeconds(60));
            held.Tags.ShouldBeEmpty();
            var status = await app.Host.GetJson("/api/projections/CustomerProfile");
            (status["lastRebuild"]!["customers"]!.GetValue<long>(), status["lastRebuild"]!["customersRebuilt"]!.GetValue<long>()).ShouldBe((3L, 1L));
        }

        await RebuildWaits.UntilCompleted(app.Host, "CustomerProfile");
        metrics.Observe("eventcrm.rebuild.profiles.lag").ShouldBeEmpty();
    }
}
