using Alba;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

// Only these scenarios register waland-cole versions or switch the formula in force, so the
// version numbers they see are theirs even with the rest of the suite running alongside.
public class when_registering_formulas(AppFixture app)
{
    [Fact]
    public async Task versions_are_numbered_per_formula_and_stay_as_registered()
    {
        var first = await app.Host.PostJson("/api/formulas", new { name = "waland-cole", parameters = new { costOfCapital = 0.1m, periods = 3 } }, 201);
        var second = await app.Host.PostJson("/api/formulas", new { name = "waland-cole", parameters = new { costOfCapital = 0.12m } }, 201);

        second["version"]!.GetValue<int>().ShouldBe(first["version"]!.GetValue<int>() + 1);
        second["name"]!.GetValue<string>().ShouldBe("waland-cole");
        second["parameters"]!["costOfCapital"]!.GetValue<decimal>().ShouldBe(0.12m);

        var listed = (await app.Host.GetJson("/api/formulas"))["versions"]!.AsArray()
            .Single(v => v!["name"]!.GetValue<string>() == "waland-cole" && v["version"]!.GetValue<int>() == first["version"]!.GetValue<int>())!;
        listed["parameters"]!["costOfCapital"]!.GetValue<decimal>().ShouldBe(0.1m);
        listed["parameters"]!["periods"]!.GetValue<decimal>().ShouldBe(3m);
    }

    [Fact]
    public async Task a_registered_version_is_read_where_its_location_points()
    {
        var created = await app.Host.Scenario(s =>
        {
            s.Post.Json(new { name = "simple-clv", parameters = new { lifetimeYears = 7m } }).ToUrl("/api/formulas");
            s.StatusCodeShouldBe(201);
        });
        var location = created.Context.Response.Headers.Location.ToString();

        var read = await app.Host.GetJson(location);

        location.ShouldStartWith("/api/formulas/simple-clv@");
        $"{read["name"]}@{read["version"]}".ShouldBe(location["/api/formulas/".Length..]);
        read["parameters"]!["lifetimeYears"]!.GetValue<decimal>().ShouldBe(7m);
        read["registeredAt"].ShouldNotBeNull();
        (await app.Host.GetJson("/api/formulas/simple-clv@0"))["parameters"]!.AsObject().Count.ShouldBe(0);
        await app.Host.GetJson("/api/formulas/simple-clv@99999", 404);
        (await app.Host.GetJson("/api/formulas/simple-clv@x", 400)).ErrorKeys().ShouldBe(["reference"]);
    }

    [Fact]
    public async Task unknown_parameter_names_and_unknown_formulas_are_400_and_register_nothing()
    {
        var before = await WalandColeVersions();

        var unknownParameter = await app.Host.PostJson("/api/formulas", new { name = "waland-cole", parameters = new { costOfCaptal = 0.1m } }, 400);
        var unknownFormula = await app.Host.PostJson("/api/formulas", new { name = "astrology", parameters = new { } }, 400);
        await app.Host.PostJson("/api/formulas", new { name = "waland-cole", parameters = new { periods = 2.5m } }, 400);

        unknownParameter["errors"]!["parameters"]![0]!.GetValue<string>().ShouldContain("costOfCaptal");
        unknownFormula.ErrorKeys().ShouldBe(["name"]);
        (await WalandColeVersions()).ShouldBe(before);
    }

    private async Task<int> WalandColeVersions() =>
        (await app.Host.GetJson("/api/formulas"))["versions"]!.AsArray().Count(v => v!["name"]!.GetValue<string>() == "waland-cole");

    [Fact]
    public async Task the_formula_put_in_force_values_customers_from_then_on_and_known_at_shows_the_one_before()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(30)) });
        var formula = await app.RegisterFormula("waland-cole", new { volumePerPeriod = 2m, marginPerUnit = 50m,
            developmentCostPerPeriod = 10m, retentionCostPerPeriod = 10m, acquisitionCost = 0m, costOfCapital = 0.25m, periods = 1 });
        var beforeSwitch = (await app.Host.TimelineEntries(customer))[^1]!["recordedAt"]!.GetValue<DateTimeOffset>();

        var chosen = await app.Host.PostJson("/api/formulas/default", new { formula }, 200);

        // One period: (2 x 50 - 10 - 10) / 1.25 = 64
        var value = await app.Host.GetJson($"/api/customers/{customer}/value");
        value["formula"]!["version"]!.GetValue<int>().ShouldBe(chosen["version"]!.GetValue<int>());
        value["current"]!.GetValue<decimal>().ShouldBe(64m);
        var inForce = (await app.Host.GetJson("/api/formulas"))["inForce"]!;
        $"{inForce["name"]}@{inForce["version"]}".ShouldBe(formula);

        var earlier = await app.Host.GetJson($"/api/customers/{customer}/value?knownAt={Uri.EscapeDataString(beforeSwitch.ToString("O"))}");
        $"{earlier["formula"]!["name"]}@{earlier["formula"]!["version"]}".ShouldNotBe(formula);
    }

    [Fact]
    public async Task a_version_registered_on_another_node_is_the_latest_for_the_very_next_read_here()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(3)) });
        await app.Host.GetJson($"/api/customers/{customer}/value?formula=waland-cole");
        await using var otherNode = await AppFixture.StartHost();

        var registered = await otherNode.PostJson("/api/formulas", new { name = "waland-cole", parameters = new { costOfCapital = 0.3m } }, 201);

        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula=waland-cole");
        value["formula"]!["version"]!.GetValue<int>().ShouldBe(registered["version"]!.GetValue<int>());
        value["formula"]!["parameters"]!["costOfCapital"]!.GetValue<decimal>().ShouldBe(0.3m);
    }

    [Fact]
    public async Task choosing_a_version_that_does_not_exist_is_404()
    {
        await app.Host.PostJson("/api/formulas/default", new { formula = "waland-cole@9999" }, 404);
        await app.Host.PostJson("/api/formulas/default", new { }, 400);
        (await app.Host.PostJson("/api/formulas/default", new { formula = "waland-cole@two" }, 400)).ErrorKeys().ShouldBe(["formula"]);
    }

    [Fact]
    public async Task seed_004_worked_example_gives_2000_through_the_api()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(3)) });
        var formula = await app.RegisterFormula("simple-clv", new { averageOrderValue = 100m, purchasesPerYear = 4m, lifetimeYears = 5m });

        // 100 EUR x 4 purchases a year x 5 years = 2,000 EUR
        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula={formula}");

        value["current"]!.GetValue<decimal>().ShouldBe(2000m);
    }
}
