using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

// An administrator puts bgnbd-gg in force before any refit: no client can be valued under it.
// A cancellation must still get an answer the desk can act on, not an assessment that never comes.
public class when_the_formula_in_force_cannot_value_the_client
{
    [Fact]
    public async Task the_request_gets_no_offer_and_the_desk_is_told_why()
    {
        await using var host = await AppFixture.StartHost("eventcrm_retention_unvalued");
        await host.ResetAllData();
        await host.PostJson("/api/formulas/default", new { formula = "bgnbd-gg@0" }, 200);
        var alpha = await RetentionClients.Alpha(host);

        await RetentionClients.RequestCancellation(host, alpha);
        var decision = await RetentionClients.Decision(host, alpha);

        decision["decision"]!.GetValue<string>().ShouldBe("no-offer");
        decision["rule"]!.GetValue<string>().ShouldBe("value-unavailable (formula bgnbd-gg@0)");
        decision["why"]!.GetValue<string>().ShouldContain("cannot be computed under bgnbd-gg@0");
        decision["why"]!.GetValue<string>().ShouldContain("clv-refit");
        // Alpha: 20 purchases of margin 800, no cost: a historical profit of 16,000.
        decision["inputs"]!["historicalProfit"]!.GetValue<decimal>().ShouldBe(16000m);
    }
}
