using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>Three customers of two touchpoints each: a log of 6 events, every one a ledger's.</summary>
public sealed class RebuildLagHost() : SchemaHost(SchemaName)
{
    public const string SchemaName = "eventcrm_metrics_rebuild";

    protected override async Task SeedAsync()
    {
        foreach (var customer in new[] { "RL1", "RL2", "RL3" })
            await Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(5), 300m, 90m) });
        await Store.CatchUp();
    }
}

/// <summary>eventcrm.rebuild.lag, a blue/green rebuild's progress (docs/operations.md, "Metrics").</summary>
public class when_a_data_team_watches_a_rebuild(RebuildLagHost app) : IClassFixture<RebuildLagHost>
{
    [Fact]
    public async Task the_new_build_s_lag_is_the_whole_log_before_its_first_page_and_goes_once_it_has_taken_over()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        metrics.Observe("eventcrm.rebuild.lag").ShouldBeEmpty();

        await using (await HeldNewBuild.Of(RebuildLagHost.SchemaName, "CustomerLedger"))
        {
            await app.Host.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 202);

            // Held before its first page: all 6 events of the log are ahead of it, in the one database. The first
            // reading follows the side store's start, which takes seconds on a busy machine.
            var held = (await Waits.For(() => metrics.Observe("eventcrm.rebuild.lag") is { Count: > 0 } read ? read : null, TimeSpan.FromSeconds(90))).Single();
            (held.Value, held.Tags["eventcrm.projection.shard"], held.Tags["eventcrm.database"]).ShouldBe((6L, "CustomerLedger:All", "Main"));
        }

        await Waits.Until(async () => (await app.Host.GetJson("/api/projections/CustomerLedger"))["lastRebuild"]!["state"]!.GetValue<string>() == "completed",
            TimeSpan.FromSeconds(60));
        metrics.Observe("eventcrm.rebuild.lag").ShouldBeEmpty();
    }
}
