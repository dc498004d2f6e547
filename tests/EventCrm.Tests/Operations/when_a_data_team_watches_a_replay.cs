using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>Two customers, three touchpoints: the whole log a replay folds.</summary>
public sealed class ReplayMetricsHost() : SchemaHost("eventcrm_metrics_replay")
{
    protected override async Task SeedAsync() => await Host.PostTouchpoints(new[]
        { SignUp("rm-1", Jan1), Purchase("rm-1", Jan1.AddDays(5)), SignUp("rm-2", Jan1.AddDays(1)) });
}

/// <summary>A replay's progress on the meter EventCrm (docs/operations.md), as it values chunk by chunk.</summary>
public class when_a_data_team_watches_a_replay(ReplayMetricsHost app) : IClassFixture<ReplayMetricsHost>
{
    [Fact]
    public async Task the_events_folded_and_the_customers_valued_are_counted()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var id = (await app.Host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf = "2025-12-31" }, 202))["id"]!.GetValue<string>();
        await Waits.Until(async () => (await app.Host.GetJson($"/api/replays/{id}"))["state"]!.GetValue<string>() != "running", TimeSpan.FromSeconds(60));

        metrics.Sum("eventcrm.replay.events").ShouldBe(3);
        metrics.Sum("eventcrm.replay.customers").ShouldBe(2);
    }
}
