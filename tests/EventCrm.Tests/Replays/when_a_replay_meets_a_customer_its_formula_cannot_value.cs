using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

/// <summary>Two customers whose orders differ a hundredfold: a formula with an extreme lifetime can value one, not the other.</summary>
public sealed class UncomputableCustomerHost() : SchemaHost("eventcrm_replay_uncomputable")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("small", Jan1), Purchase("small", Jan1.AddDays(10), 100m, 30m), Purchase("small", Jan1.AddDays(40), 200m, 60m),
        SignUp("big", Jan1), Purchase("big", Jan1.AddDays(10), 10_000m, 3_000m), Purchase("big", Jan1.AddDays(40), 20_000m, 6_000m),
    });
}

/// <summary>
/// One customer a formula cannot value does not fail the replay of the whole base: the replay
/// records it as not computable, with the reason, as the live read does, and counts it as 0.
/// </summary>
public class when_a_replay_meets_a_customer_its_formula_cannot_value(UncomputableCustomerHost app) : IClassFixture<UncomputableCustomerHost>
{
    private async Task<JsonNode> Finished(string formula)
    {
        var id = (await app.Host.PostJson("/api/replays", new { formula, asOf = "2025-12-31" }, 202))["id"]!.GetValue<string>();
        for (var waited = 0; waited < 600; waited++)
        {
            var run = await app.Host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() != "running") return run;
            await Task.Delay(200);
        }
        throw new ShouldAssertException($"replay {id} still running");
    }

    [Fact]
    public async Task the_replay_completes_and_names_the_customer_it_cannot_value_with_the_reason()
    {
        // simple-clv = averageOrderValue x purchasesPerYear x lifetimeYears. With 1 x 10^25:
        // small: (100 + 200) / 2 = 150 -> 1.5 x 10^27; big: (10,000 + 20,000) / 2 = 15,000 ->
        // 1.5 x 10^29, beyond a decimal's 7.9 x 10^28.
        // Registered before parameters had bounds: a lifetime of 10^25 years is refused now (at most 100).
        var formula = await app.Host.RegisterBeforeBounds("simple-clv",
            new Dictionary<string, decimal> { ["purchasesPerYear"] = 1m, ["lifetimeYears"] = 10_000_000_000_000_000_000_000_000m });
        (await app.Host.GetJson($"/api/customers/big/value?formula={formula}&asOf=2025-12-31", 422))["detail"]!.GetValue<string>()
            .ShouldContain("averageOrderValue = 15000");

        var run = await Finished(formula);

        run["state"]!.GetValue<string>().ShouldBe("completed");
        run["eventsDone"]!.GetValue<long>().ShouldBe(6);   // 2 customers x (signup + 2 purchases)
        run["customersDone"]!.GetValue<int>().ShouldBe(2);
        run["customersNotComputable"]!.GetValue<int>().ShouldBe(1);
        var id = run["id"]!.GetValue<string>();
        var big = await app.Host.GetJson($"/api/replays/{id}/customers/big", 422);
        big["detail"]!.GetValue<string>().ShouldContain("'big'");
        big["detail"]!.GetValue<string>().ShouldContain("averageOrderValue = 15000");
        var small = await app.Host.GetJson($"/api/replays/{id}/customers/small");
        small["value"]!["current"]!.GetValue<decimal>().ShouldBe(1_500_000_000_000_000_000_000_000_000m);
    }

    [Fact]
    public async Task the_diff_counts_the_customer_it_cannot_value_as_zero_with_its_own_tier()
    {
        // Registered before parameters had bounds: a lifetime of 10^25 years is refused now (at most 100).
        var formula = await app.Host.RegisterBeforeBounds("simple-clv",
            new Dictionary<string, decimal> { ["purchasesPerYear"] = 2m, ["lifetimeYears"] = 10_000_000_000_000_000_000_000_000m });
        var run = await Finished(formula);

        var diff = await app.Host.GetJson($"/api/replays/{run["id"]}/diff");

        var big = diff["items"]!.AsArray().Single(item => item!["customerId"]!.GetValue<string>() == "big")!;
        big["replayed"]!.GetValue<decimal>().ShouldBe(0m);
        big["replayedTier"]!.GetValue<string>().ShouldBe("not-computable");
        big["tierChanged"]!.GetValue<bool>().ShouldBeTrue();
        // 150 x 2 x 10^25 = 3 x 10^27 for the small one, valued as usual.
        diff["items"]!.AsArray().Single(item => item!["customerId"]!.GetValue<string>() == "small")!["replayed"]!.GetValue<decimal>()
            .ShouldBe(3_000_000_000_000_000_000_000_000_000m);
    }

    [Fact]
    public async Task the_replay_command_says_how_many_customers_it_could_not_value()
    {
        // Registered before parameters had bounds: a lifetime of 10^25 years is refused now (at most 100).
        var formula = await app.Host.RegisterBeforeBounds("simple-clv",
            new Dictionary<string, decimal> { ["purchasesPerYear"] = 3m, ["lifetimeYears"] = 10_000_000_000_000_000_000_000_000m });

        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = app.Schema },
            "replay", "--formula", formula, "--as-of", "2025-12-31");

        exit.ShouldBe(0, errors + output);
        // big: 15,000 x 3 x 10^25 overflows; small: 150 x 3 x 10^25 does not.
        output.ShouldContain($"1 cannot be valued under {formula}");
    }
}
