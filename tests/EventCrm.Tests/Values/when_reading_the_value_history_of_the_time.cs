using System.Text.Json.Nodes;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: the scenario puts formulas in force one after the other.</summary>
public sealed class FormulaTimesHost() : SchemaHost(SchemaName)
{
    /// <summary>Per test process: developers share one database, and two runs must not reset each other's base.</summary>
    public static readonly string SchemaName = $"eventcrm_formula_times_{Environment.ProcessId}";

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}

/// <summary>
/// An auditor's question: what value did the service show after each touchpoint, under the formula
/// in force then? `formula=of-the-time` values each point under the formula in force (and the model
/// known) when its touchpoint was recorded.
/// </summary>
public class when_reading_the_value_history_of_the_time(FormulaTimesHost formulaTimes) : IClassFixture<FormulaTimesHost>
{
    [Fact]
    public async Task each_point_is_valued_under_the_formula_in_force_when_its_touchpoint_was_recorded()
    {
        var host = formulaTimes.Host;
        // simple-clv with every input given: averageOrderValue x purchasesPerYear x lifetimeYears, whatever the history.
        var first = await Register(averageOrderValue: 100, purchasesPerYear: 4, lifetimeYears: 5);    // 2,000
        var second = await Register(averageOrderValue: 50, purchasesPerYear: 2, lifetimeYears: 3);    // 300
        var customer = Ids.Customer();

        await host.PostJson("/api/formulas/default", new { formula = first }, 200);
        await host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(10)) });
        await host.PostJson("/api/formulas/default", new { formula = second }, 200);
        await host.PostTouchpoints(Purchase(customer, Jan1.AddDays(20)));

        var ofTheTime = await host.GetJson($"/api/customers/{customer}/value-history?formula=of-the-time");
        var inForceNow = await host.GetJson($"/api/customers/{customer}/value-history");

        Points(ofTheTime).ShouldBe([(first, 2_000m), (first, 2_000m), (second, 300m)]);
        ofTheTime["formula"].ShouldBeNull();
        Points(inForceNow).ShouldBe([(second, 300m), (second, 300m), (second, 300m)]);
        $"{inForceNow["formula"]!["name"]}@{inForceNow["formula"]!["version"]}".ShouldBe(second);

        // Known before the third touchpoint: the history as it stood then.
        var secondRecorded = ofTheTime["points"]![1]!["recordedAt"]!.GetValue<DateTimeOffset>();
        var then = await host.GetJson($"/api/customers/{customer}/value-history?formula=of-the-time&knownAt={Uri.EscapeDataString(secondRecorded.ToString("O"))}");
        Points(then).ShouldBe([(first, 2_000m), (first, 2_000m)]);
    }

    [Fact]
    public async Task a_point_leaves_out_the_earlier_dated_touchpoints_recorded_after_it()
    {
        var host = formulaTimes.Host;
        var customer = Ids.Customer();
        await host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(60), amount: 1_000m, margin: 300m) });
        // Back-dated: it happened before the purchase above, and the store learnt of it after.
        await host.PostTouchpoints(Purchase(customer, Jan1.AddDays(30), amount: 200m, margin: 60m));

        var ofTheTime = await host.GetJson($"/api/customers/{customer}/value-history?formula=of-the-time");
        var knownNow = await host.GetJson($"/api/customers/{customer}/value-history");

        // Business order: the signup, the back-dated 200 (shown with the signup alone before it), the 1,000
        // (shown, when it was recorded, without the 200 the store did not have yet).
        Revenues(ofTheTime).ShouldBe([0m, 200m, 1_000m]);
        Revenues(knownNow).ShouldBe([0m, 200m, 1_200m]);
    }

    private static List<decimal> Revenues(JsonNode history) =>
        history["points"]!.AsArray().Select(p => p!["revenue"]!.GetValue<decimal>()).ToList();

    private async Task<string> Register(decimal averageOrderValue, decimal purchasesPerYear, decimal lifetimeYears)
    {
        var registered = await formulaTimes.Host.PostJson("/api/formulas",
            new { name = "simple-clv", parameters = new { averageOrderValue, purchasesPerYear, lifetimeYears } }, 201);
        return $"simple-clv@{registered["version"]}";
    }

    private static List<(string Formula, decimal Current)> Points(JsonNode history) =>
        history["points"]!.AsArray().Select(p => (p!["formula"]!.GetValue<string>(), p["current"]!.GetValue<decimal>())).ToList();
}
