using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// The base of <see cref="SmallPortfolio"/> with a formula registry of its own: these scenarios register retention-ltv and
/// waland-cole versions and put them in force, which no other class may see.
/// </summary>
public sealed class FormulaBoundsPortfolio() : SmallPortfolio("eventcrm_formula_bounds", BackgroundPortfolio.Settings)
{
    public PortfolioBase Valuations => Host.Services.GetRequiredService<PortfolioBase>();

    public async Task<long> RegistryEvents()
    {
        await using var session = Store.QuerySession();
        return (await session.Events.FetchStreamAsync(SystemStreams.FormulaRegistry)).Count;
    }
}

/// <summary>
/// A hostile client registered <c>retention-ltv</c> with a margin of 10^28 a period (the probe customer passed), put it in
/// force, and every portfolio valuation from then on failed adding such values up (an OverflowException at the medians),
/// while the portfolio routes kept answering 200 from the valuation made at start, under a formula no longer in force.
/// Parameters now have bounds; a valuation counts a customer it cannot add up as documented (current 0, potential 0);
/// and when the latest valuation fails anyway, the one before it is not answered as current.
/// </summary>
public class when_a_formula_version_would_value_beyond_what_the_portfolio_adds_up(FormulaBoundsPortfolio portfolio)
    : IClassFixture<FormulaBoundsPortfolio>
{
    [Theory]
    // Money no larger than a touchpoint's amount (10^12), as a touchpoint's margin may be a loss as large.
    [InlineData("retention-ltv", "marginPerPeriod", "1e28", "from -1,000,000,000,000 to 1,000,000,000,000")]
    [InlineData("retention-ltv", "acquisitionCost", "-1000000000000.01", "from -1,000,000,000,000 to 1,000,000,000,000")]
    [InlineData("waland-cole", "marginPerUnit", "1000000000001", "from -1,000,000,000,000 to 1,000,000,000,000")]
    [InlineData("simple-clv", "averageOrderValue", "2e12", "from -1,000,000,000,000 to 1,000,000,000,000")]
    // Rates per period from 0 to 1: a negative discount rate grows each period's weight without end.
    [InlineData("retention-ltv", "discountRate", "-0.5", "from 0 to 1")]
    [InlineData("waland-cole", "costOfCapital", "1.5", "from 0 to 1")]
    [InlineData("bgnbd-gg", "weeklyDiscountRate", "-0.1", "from 0 to 1")]
    // Counts within what a business plans with.
    [InlineData("simple-clv", "lifetimeYears", "101", "from 0 to 100")]
    [InlineData("simple-clv", "purchasesPerYear", "10000.5", "from 0 to 10,000")]
    [InlineData("waland-cole", "volumePerPeriod", "-1", "from 0 to 10,000")]
    public async Task a_parameter_out_of_its_range_is_a_400_naming_it_and_its_range_and_registers_nothing(
        string formula, string parameter, string value, string range)
    {
        var before = await portfolio.RegistryEvents();
        // Every other parameter the formula needs to be computed at all, within range.
        var others = formula == "waland-cole" ? """, "periods": 3""" : formula == "bgnbd-gg" ? """, "horizonWeeks": 39""" : formula == "simple-clv" && parameter != "lifetimeYears" ? """, "lifetimeYears": 3""" : "";

        var problem = await portfolio.Host.PostRaw("/api/formulas", $$$"""{"name":"{{{formula}}}","parameters":{"{{{parameter}}}":{{{value}}}{{{others}}}}}""", 400);

        problem.ErrorKeys().ShouldBe([$"parameters.{parameter}"]);
        problem["errors"]![$"parameters.{parameter}"]![0]!.GetValue<string>().ShouldContain($"'{parameter}' must be {range}");
        (await portfolio.RegistryEvents()).ShouldBe(before);
    }

    [Fact]
    public async Task a_margin_as_large_as_a_touchpoints_amount_may_be_is_registered()
    {
        var registered = await portfolio.Host.PostRaw("/api/formulas", """{"name":"retention-ltv","parameters":{"marginPerPeriod":1000000000000}}""", 201);

        registered["parameters"]!["marginPerPeriod"]!.GetValue<decimal>().ShouldBe(1_000_000_000_000m);
    }

    [Fact]
    public async Task rates_that_count_a_margin_for_more_discounted_periods_than_a_horizon_may_have_are_a_400()
    {
        // No horizon: r / (1 + i - r) = 1 / (1 + 0.00001 - 1) = 100,000 discounted periods, beyond the 10,000 periods may have.
        var problem = await portfolio.Host.PostRaw("/api/formulas",
            """{"name":"retention-ltv","parameters":{"retentionRate":1,"discountRate":0.00001}}""", 400);
        problem.ErrorKeys().ShouldBe(["parameters.retentionRate"]);

        // With a horizon of 10 periods the same rates count the margin 10 times at most: registered.
        await portfolio.Host.PostRaw("/api/formulas",
            """{"name":"retention-ltv","parameters":{"retentionRate":1,"discountRate":0.00001,"periods":10}}""", 201);
    }

    [Theory]
    [InlineData("1e-30", "0")]                                        // beyond 28 decimal places: rounded to 0
    [InlineData("0.12345678901234567890123456789", "0.1234567890123456789012345679")] // 29 significant digits after the point
    public async Task a_parameter_a_decimal_cannot_keep_exactly_is_a_400_naming_it_not_rounded(string written, string wouldBe)
    {
        var before = await portfolio.RegistryEvents();

        var problem = await portfolio.Host.PostRaw("/api/formulas", $$$"""{"name":"retention-ltv","parameters":{"discountRate":{{{written}}}}}""", 400);

        problem.ErrorKeys().ShouldBe(["parameters.discountRate"]);
        problem["errors"]!["parameters.discountRate"]![0]!.GetValue<string>().ShouldContain($"{written} would be stored as {wouldBe}");
        (await portfolio.RegistryEvents()).ShouldBe(before);
    }

    [Fact]
    public async Task a_parameter_written_with_trailing_zeros_or_an_exponent_is_kept_as_the_same_number()
    {
        // 0.0700 and 7e-2 are 0.07 exactly: nothing is lost, so nothing is refused.
        var registered = await portfolio.Host.PostRaw("/api/formulas", """{"name":"retention-ltv","parameters":{"discountRate":7e-2,"retentionRate":0.0700}}""", 201);

        registered["parameters"]!["discountRate"]!.GetValue<decimal>().ShouldBe(0.07m);
        registered["parameters"]!["retentionRate"]!.GetValue<decimal>().ShouldBe(0.07m);
    }

    [Fact]
    public async Task registering_the_built_in_parameters_of_a_formula_never_registered_answers_its_version_0_and_registers_nothing()
    {
        var before = await portfolio.RegistryEvents();

        var answered = await portfolio.Host.Scenario(s =>
        {
            s.Post.Text("""{"name":"waland-cole","parameters":{}}""").ToUrl("/api/formulas");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(200);
        });

        var body = JsonNode.Parse(await answered.ReadAsTextAsync())!;
        body["version"]!.GetValue<int>().ShouldBe(0);
        body["parameters"]!.AsObject().Count.ShouldBe(0);
        answered.Context.Response.Headers.Location.ToString().ShouldBe("/api/formulas/waland-cole@0");
        (await portfolio.RegistryEvents()).ShouldBe(before);
        (await portfolio.Host.GetJson("/api/formulas"))["versions"]!.AsArray()
            .Where(v => v!["name"]!.GetValue<string>() == "waland-cole").Select(v => v!["version"]!.GetValue<int>()).ShouldBe([0]);
    }

    [Fact]
    public async Task a_version_registered_before_the_bounds_values_the_base_with_its_customers_counted_as_0()
    {
        // Each customer still a customer (A, B, C, E) is worth m x r / (1 + i - r) = 10^28 x 0.75 / (1 + 0.08 - 0.75)
        // = 2.27 x 10^28 (the default model's retention, 0.08): four of them add up to 9.09 x 10^28, beyond a decimal's
        // 7.9 x 10^28, and beyond 10^21, what the portfolio adds up: each counts as current 0 and potential 0. D churned (0),
        // F is a lead (not a customer). Everyone is at both medians, 0, and a customer at a median counts as high.
        var formula = await portfolio.Host.RegisterBeforeBounds("retention-ltv",
            new Dictionary<string, decimal> { ["marginPerPeriod"] = 10_000_000_000_000_000_000_000_000_000m });
        await portfolio.Host.PostJson("/api/formulas/default", new { formula }, 200);

        var valued = await portfolio.Valuations.RevalueAsync();
        var segments = await portfolio.Host.GetJson("/api/portfolio/segments");

        segments["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(valued.AsOf);
        $"{segments["formula"]!["name"]}@{segments["formula"]!["version"]}".ShouldBe(formula);
        var analysis = segments["analysis"]!;
        analysis["currentValueThreshold"]!.GetValue<decimal>().ShouldBe(0m);
        analysis["potentialValueThreshold"]!.GetValue<decimal>().ShouldBe(0m);
        var high = analysis["quadrants"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == "high-value-high-potential")!;
        high["count"]!.GetValue<int>().ShouldBe(5);
        high["totalCurrentValue"]!.GetValue<decimal>().ShouldBe(0m);
        high["totalPotentialValue"]!.GetValue<decimal>().ShouldBe(0m);
        // The answer says so: the four customers counted as 0, and why.
        NotValued(segments).ShouldBe("4: beyond-portfolio-limit 4");
        // The one customer's own read is not the portfolio's: 2.27 x 10^28 fits a decimal, and is answered.
        (await portfolio.Host.GetJson("/api/customers/A/value"))["current"]!.GetValue<decimal>().ShouldBeGreaterThan(2e28m);
    }

    [Fact]
    public async Task bgnbd_gg_before_any_refit_values_the_base_saying_which_customers_it_could_not_value()
    {
        await portfolio.Host.PostJson("/api/formulas/default", new { formula = "retention-ltv@0" }, 200);
        await portfolio.Valuations.RevalueAsync();
        NotValued(await portfolio.Host.GetJson("/api/portfolio/pareto")).ShouldBe("0: ");

        // No refit in this base: bgnbd-gg has no model to value A, B, C and E with (customers who buy). D churned and F,
        // a lead, are worth 0 whatever the formula: they were valued.
        await portfolio.Host.PostJson("/api/formulas/default", new { formula = "bgnbd-gg@0" }, 200);
        await portfolio.Valuations.RevalueAsync();

        foreach (var route in new[] { "/api/portfolio/pareto", "/api/portfolio/segments", "/api/kpis", "/api/data-quality",
                     "/api/portfolio/segments/high-value-high-potential/customers" })
            NotValued(await portfolio.Host.GetJson(route)).ShouldBe("4: model-not-fitted 4", route);
    }

    [Fact]
    public async Task when_the_latest_valuation_fails_the_one_before_is_not_answered_as_current()
    {
        var earlier = await portfolio.Host.RegisterFormula("retention-ltv", new { marginPerPeriod = 101m });
        await portfolio.Host.PostJson("/api/formulas/default", new { formula = earlier }, 200);
        var before = await portfolio.Valuations.RevalueAsync();
        var later = await portfolio.Host.RegisterFormula("retention-ltv", new { marginPerPeriod = 102m });
        await portfolio.Host.PostJson("/api/formulas/default", new { formula = later }, 200);

        // B's ledger no longer reads (as a document written by code this node does not know would): every valuation fails.
        var original = await Sql<string>("select data::text from {schema}.mt_doc_customerledger where id = 'B'");
        await Sql<int>("update {schema}.mt_doc_customerledger set data = @data::jsonb where id = 'B'", "\"not a ledger\"");
        try
        {
            await Should.ThrowAsync<Exception>(portfolio.Valuations.RevalueAsync());

            var refused = await portfolio.Host.Scenario(s =>
            {
                s.Get.Url("/api/portfolio/pareto");
                s.StatusCodeShouldBe(503);
            });

            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("10");
            var problem = JsonNode.Parse(await refused.ReadAsTextAsync())!;
            problem["title"]!.GetValue<string>().ShouldBe("Portfolio valuation failed");
            // It names the valuation it does not answer from, and the formula that one was made under.
            problem["detail"]!.GetValue<string>().ShouldContain($"as of {before.AsOf:O} under {earlier}");
            problem.ToJsonString().ShouldNotContain("System.");
        }
        finally
        {
            await Sql<int>("update {schema}.mt_doc_customerledger set data = @data::jsonb where id = 'B'", original);
        }

        var after = await portfolio.Valuations.RevalueAsync();
        var pareto = await portfolio.Host.GetJson("/api/portfolio/pareto");
        pareto["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(after.AsOf);
        $"{pareto["formula"]!["name"]}@{pareto["formula"]!["version"]}".ShouldBe(later);
    }

    /// <summary>"4: model-not-fitted 4": how many customers the answer says were not valued, then how many for each reason.</summary>
    private static string NotValued(JsonNode answer)
    {
        var notValued = answer["notValued"] ?? throw new ShouldAssertException($"no notValued in {answer.ToJsonString()[..200]}");
        return $"{notValued["customers"]!.GetValue<int>()}: " +
               string.Join(", ", notValued["reasons"]!.AsObject().Select(r => $"{r.Key} {r.Value!.GetValue<int>()}"));
    }

    private async Task<T> Sql<T>(string statement, string? data = null)
    {
        await using var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(statement.Replace("{schema}", portfolio.Schema), connection);
        if (data is not null) command.Parameters.AddWithValue("data", data);
        if (typeof(T) == typeof(int)) return (T)(object)await command.ExecuteNonQueryAsync();
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
