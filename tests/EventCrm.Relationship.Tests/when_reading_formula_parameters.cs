using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_reading_formula_parameters
{
    [Fact]
    public void an_unknown_name_is_rejected_with_the_allowed_names()
    {
        var misspelt = new Dictionary<string, decimal> { ["averageOrderValue"] = 100m, ["lifetimeYear"] = 5m };

        var problem = Should.Throw<FormulaParameterException>(() => SimpleClv.ParametersFrom(misspelt));

        problem.Formula.ShouldBe(new FormulaId("simple-clv", 1));
        problem.Message.ShouldContain("'lifetimeYear'");
        problem.Message.ShouldContain("averageOrderValue, purchasesPerYear, lifetimeYears");
        problem.AllowedNames.ShouldBe(["averageOrderValue", "purchasesPerYear", "lifetimeYears"]);
    }

    [Fact]
    public void a_missing_required_value_is_named()
    {
        var problem = Should.Throw<FormulaParameterException>(() =>
            WalandCole.ParametersFrom(new Dictionary<string, decimal> { ["periods"] = 3m }));

        problem.Message.ShouldContain("missing parameter(s) 'costOfCapital'");
    }

    [Fact]
    public void a_fractional_number_of_periods_is_rejected()
    {
        Should.Throw<FormulaParameterException>(() => RetentionLtv.ParametersFrom(new Dictionary<string, decimal>
        {
            ["retentionRate"] = 0.8m, ["discountRate"] = 0.1m, ["periods"] = 2.5m,
        })).Message.ShouldContain("'periods' must be a whole number");
    }

    [Fact]
    public void a_partial_bgnbd_model_is_rejected()
    {
        Should.Throw<FormulaParameterException>(() => BgNbdGgValue.ParametersFrom(new Dictionary<string, decimal>
        {
            ["horizonWeeks"] = 52m, ["r"] = 0.243m, ["alpha"] = 4.414m,
        })).Message.ShouldContain("r/alpha/a/b");
    }

    [Theory]
    [InlineData("simple-clv@1", "simple-clv", 1)]
    [InlineData("waland-cole@1", "waland-cole", 1)]
    [InlineData("retention-ltv@12", "retention-ltv", 12)]
    public void a_formula_id_reads_back_from_its_text(string text, string name, int version)
    {
        var id = FormulaId.Parse(text);

        id.ShouldBe(new FormulaId(name, version));
        id.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("simple-clv")]
    [InlineData("simple-clv@")]
    [InlineData("@1")]
    [InlineData("simple-clv@0")]
    [InlineData("simple-clv@v1")]
    public void text_without_a_version_is_not_a_formula_id(string text) =>
        FormulaId.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void the_catalogue_knows_the_four_formulas() =>
        ValueFormulas.All.Select(id => id.ToString())
            .ShouldBe(["simple-clv@1", "waland-cole@1", "retention-ltv@1", "bgnbd-gg@1"], ignoreOrder: true);
}
