using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests.Valuation;

public class when_keeping_the_formula_registry
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static DateTimeOffset Minute(int m) => T0.AddMinutes(m);

    private static Dictionary<string, decimal> Parameters(params (string Name, decimal Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    // Knowledge times: registrations at minutes 1-3, simple-clv@2 put in force at minute 10,
    // the built-in retention-ltv@0 back in force at minute 20.
    private static readonly FormulaRegistry Registry = FormulaRegistry.From(
    [
        (new FormulaVersionRegistered("simple-clv", 1, Parameters(("lifetimeYears", 3m))), Minute(1)),
        (new FormulaVersionRegistered("simple-clv", 2, Parameters(("lifetimeYears", 5m))), Minute(2)),
        (new FormulaVersionRegistered("retention-ltv", 1, Parameters(("retentionRate", 0.8m), ("discountRate", 0.1m))), Minute(3)),
        (new FormulaPutInForce("simple-clv", 2), Minute(10)),
        (new FormulaPutInForce("retention-ltv", 0), Minute(20)),
    ]);

    private static string Named(FormulaChoice? formula) => formula?.ToString() ?? "none";

    [Fact]
    public void versions_are_numbered_per_formula_from_1()
    {
        Registry.NextVersion("simple-clv").ShouldBe(3);
        Registry.NextVersion("retention-ltv").ShouldBe(2);
        Registry.NextVersion("waland-cole").ShouldBe(1);
        FormulaRegistry.Empty.NextVersion("simple-clv").ShouldBe(1);
        Registry.Versions.Select(v => v.RegisteredAt).ShouldBe([Minute(1), Minute(2), Minute(3)]);
    }

    [Fact]
    public void version_0_is_the_built_in_formula_with_no_explicit_parameter()
    {
        var builtIn = Registry.Find("waland-cole", 0)!;

        builtIn.Version.ShouldBe(0);
        builtIn.Parameters.ShouldBeEmpty();
        Registry.Find("simple-clv", 1)!.Parameters["lifetimeYears"].ShouldBe(3m);
        Registry.Find("simple-clv", 9).ShouldBeNull();
        Registry.Find("astrology", 0).ShouldBeNull();
    }

    [Theory]
    [InlineData("simple-clv@1", "simple-clv@1")]
    [InlineData("simple-clv", "simple-clv@2")]          // a bare name is the latest version
    [InlineData("waland-cole", "waland-cole@0")]        // ... or the built-in one when none was registered
    [InlineData("retention-ltv@0", "retention-ltv@0")]
    [InlineData("bgnbd-gg@0", "bgnbd-gg@0")]
    [InlineData("simple-clv@7", "none")]
    [InlineData("simple-clv@x", "none")]
    [InlineData("simple-clv@", "none")]
    [InlineData("astrology", "none")]
    [InlineData("astrology@0", "none")]
    public void a_reference_resolves_by_name_and_version(string reference, string resolved) =>
        Named(Registry.Resolve(reference)).ShouldBe(resolved);

    [Fact]
    public void the_formula_in_force_is_the_last_one_chosen_by_the_knowledge_time()
    {
        Registry.InForceAt(Minute(9)).ShouldBe(new FormulaInForce(FormulaChoice.Default, null));
        Named(Registry.InForceAt(Minute(10)).Formula).ShouldBe("simple-clv@2");    // from the recording instant on
        Registry.InForceAt(Minute(10)).Since.ShouldBe(Minute(10));
        Named(Registry.InForceAt(Minute(19)).Formula).ShouldBe("simple-clv@2");
        Named(Registry.InForceAt(Minute(20)).Formula).ShouldBe("retention-ltv@0");
        Named(Registry.InForceAt(null).Formula).ShouldBe("retention-ltv@0");      // null: now
        Registry.InForceAt(null).Since.ShouldBe(Minute(20));
    }

    [Fact]
    public void before_any_choice_the_built_in_retention_ltv_is_in_force()
    {
        FormulaRegistry.Empty.InForceAt(null).ShouldBe(new FormulaInForce(FormulaChoice.Default, null));
        FormulaChoice.Default.ToString().ShouldBe("retention-ltv@0");
        FormulaChoice.Default.Parameters.ShouldBeEmpty();
    }

    [Fact]
    public void a_version_is_already_in_force_only_when_it_is_the_one_in_force_now()
    {
        // retention-ltv@0 was put back in force at minute 20; simple-clv@2 was in force before.
        var inForce = Registry.AlreadyInForce(Registry.Find("retention-ltv", 0)!)!;
        (Named(inForce.Formula), inForce.Since).ShouldBe(("retention-ltv@0", Minute(20)));
        Registry.AlreadyInForce(Registry.Find("simple-clv", 2)!).ShouldBeNull();
        Registry.AlreadyInForce(Registry.Find("retention-ltv", 1)!).ShouldBeNull();
        // Before any choice, the built-in default is in force, since no recorded time.
        FormulaRegistry.Empty.AlreadyInForce(FormulaChoice.BuiltIn("retention-ltv")).ShouldBe(new FormulaInForce(FormulaChoice.Default, null));
    }

    [Fact]
    public void the_choice_keeps_the_parameters_of_the_version_put_in_force()
    {
        Registry.InForceAt(Minute(15)).Formula.Parameters["lifetimeYears"].ShouldBe(5m);
    }

    [Fact]
    public void the_built_in_parameters_of_a_formula_never_registered_are_its_version_0_not_a_new_one()
    {
        // waland-cole has no registered version: its latest is the built-in @0, whose parameters are none.
        Named(Registry.LatestRegisteredWith("waland-cole", Parameters())).ShouldBe("waland-cole@0");
        Named(Registry.LatestRegisteredWith("waland-cole", Parameters(("costOfCapital", 0.1m)))).ShouldBe("none");
        // simple-clv's latest is @2: no parameters at all is not it (going back to the built-in's is a new version).
        Named(Registry.LatestRegisteredWith("simple-clv", Parameters())).ShouldBe("none");
    }

    [Theory]
    [InlineData("retention-ltv", "marginPerPeriod", "1000000000000.01")]
    [InlineData("retention-ltv", "discountRate", "-0.01")]
    [InlineData("simple-clv", "lifetimeYears", "100.5")]
    [InlineData("bgnbd-gg", "q", "1")]
    public void a_registration_out_of_a_parameters_range_names_that_parameter(string formula, string parameter, string value)
    {
        var refused = Should.Throw<FormulaParameterException>(() =>
            CurrentValue.Validate(formula, Parameters((parameter, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)))));

        refused.Parameter.ShouldBe(parameter);
        refused.Message.ShouldContain($"parameter '{parameter}' must be");
    }

    [Fact]
    public void a_registration_at_the_edge_of_every_range_passes()
    {
        // The largest amount a touchpoint may have, a rate of 100% and a century: within the bounds.
        CurrentValue.Validate("retention-ltv", Parameters(("marginPerPeriod", 1_000_000_000_000m), ("acquisitionCost", -1_000_000_000_000m),
            ("discountRate", 1m), ("retentionRate", 1m), ("periods", 10_000m)));
        CurrentValue.Validate("simple-clv", Parameters(("averageOrderValue", 1_000_000_000_000m), ("purchasesPerYear", 10_000m), ("lifetimeYears", 100m)));
    }
}
