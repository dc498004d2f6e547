using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// A what-if formula that gives every input its formula would estimate: the value is the same for
// every customer still buying (computed once per choice), and churned customers and prospects
// still get 0 with the choice's inputs listed.
public class when_a_formula_pins_every_input
{
    private static readonly FormulaChoice Pinned =
        Formula("simple-clv", 7, ("averageOrderValue", 120m), ("purchasesPerYear", 3m), ("lifetimeYears", 4m));

    [Fact]
    public void every_active_customer_is_worth_the_same_with_the_inputs_in_the_formula_order()
    {
        var small = Ledger(SignUp(Day(0)), Purchase(Day(10), 20m, 5m));
        var large = WorkedExample.Ledger();

        foreach (var ledger in new[] { small, large })
        {
            var result = CurrentValue.Of(Pinned, ledger, WorkedExample.AsOf, PortfolioModel.Default);
            // 120 x 3 x 4 = 1,440, whatever the customer bought
            result.Value.ShouldBe(1440m);
            result.Note.ShouldBeNull();
            result.Inputs.Keys.ShouldBe(["averageOrderValue", "purchasesPerYear", "lifetimeYears"]);
            result.Inputs.Values.ShouldBe([120m, 3m, 4m]);
        }
    }

    [Fact]
    public void churned_customers_and_prospects_are_still_worth_0()
    {
        var churned = CurrentValue.Of(Pinned, WorkedExample.Ledger(Churn(Day(330))), WorkedExample.AsOf, PortfolioModel.Default);
        var prospect = CurrentValue.Of(Pinned, Ledger(Lead(Day(0))), Year(1), PortfolioModel.Default);

        churned.Value.ShouldBe(0m);
        churned.Note.ShouldBe("churned: no transactions are expected any more");
        churned.Inputs["averageOrderValue"].ShouldBe(120m);
        prospect.Value.ShouldBe(0m);
        prospect.Note.ShouldBe("prospect: no transactions are expected until the lead converts");
    }

    [Fact]
    public void a_pinned_input_a_formula_cannot_use_is_refused_for_a_customer_to_value_and_not_for_a_churned_one()
    {
        var broken = Formula("simple-clv", 8, ("averageOrderValue", 120m), ("purchasesPerYear", -3m), ("lifetimeYears", 4m));

        Should.Throw<FormulaParameterException>(() => CurrentValue.Of(broken, WorkedExample.Ledger(), WorkedExample.AsOf, PortfolioModel.Default))
            .Message.ShouldContain("purchasesPerYear");
        CurrentValue.Of(broken, WorkedExample.Ledger(Churn(Day(330))), WorkedExample.AsOf, PortfolioModel.Default).Value.ShouldBe(0m);
    }
}
