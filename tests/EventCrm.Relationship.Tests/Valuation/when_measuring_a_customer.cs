using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

public class when_measuring_a_customer
{
    [Fact]
    public void rates_are_per_year_of_tenure()
    {
        // Signed up at Year(0), measured at Year(2): tenure = 730.5 days / 365.25 = 2 years.
        var ledger = Ledger(
            SignUp(Year(0), acquisitionCost: 500m),
            Purchase(Day(10), 100m, 20m, orderId: "o-1"),
            Purchase(Day(200), 200m, 50m, orderId: "o-2"),
            Purchase(Day(400), 300m, 80m, orderId: "o-3"),
            Refund(Day(410), "o-3", 60m, 15m),
            PromotionOffered(Day(100), "p-1", 10m),
            PromotionAccepted(Day(101), "p-1", 20m),
            Visit(Day(300), 30m),
            SupportCall(Day(500), 40m));

        var m = CustomerMeasures.Of(ledger, Year(2), PortfolioModel.Default);

        // revenue = 100 + 200 + 300 - 60 = 540; margin = 20 + 50 + 80 - 15 = 135; 3 purchases
        m.TenureYears.ShouldBe(2m);
        m.Purchases.ShouldBe(3);
        m.AverageOrderValue.ShouldBe(180m);          // 540 / 3
        m.PurchasesPerYear.ShouldBe(1.5m);           // 3 / 2
        m.MarginPerPurchase.ShouldBe(45m);           // 135 / 3
        m.MarginPerYear.ShouldBe(67.5m);             // 135 / 2
        m.DevelopmentCostPerYear.ShouldBe(30m);      // (promotions 10 + 20, visits 30) / 2 = 60 / 2
        m.RetentionCostPerYear.ShouldBe(20m);        // support 40 / 2 (accepted offers are one-off, not yearly)
        m.NetMarginPerYear.ShouldBe(17.5m);          // 67.5 - 30 - 20; the acquisition cost is not in it
        m.MarginShare.ShouldBe(0.25m);               // 135 / 540
    }

    [Fact]
    public void tenure_is_at_least_a_quarter_of_a_year()
    {
        // 30 days = 0.082 year, below the floor: tenure 0.25.
        var ledger = Ledger(SignUp(Day(0)), Purchase(Day(5), 100m, 40m));

        var m = CustomerMeasures.Of(ledger, Day(30), PortfolioModel.Default);

        m.TenureYears.ShouldBe(0.25m);
        m.PurchasesPerYear.ShouldBe(4m);             // 1 / 0.25
        m.MarginPerYear.ShouldBe(160m);              // 40 / 0.25
    }

    [Fact]
    public void tenure_counts_from_the_first_purchase_when_there_is_no_signup()
    {
        // First purchase at Year(1), measured at Year(3): 2 years.
        var ledger = Ledger(Lead(Year(0)), Purchase(Year(1), 100m, 10m), Purchase(Year(2), 100m, 10m));

        CustomerMeasures.Of(ledger, Year(3), PortfolioModel.Default).TenureYears.ShouldBe(2m);
    }

    [Fact]
    public void without_revenue_the_margin_share_is_the_portfolio_models()
    {
        var model = PortfolioModel.Default with { MarginShare = 0.42m };
        var noPurchase = Ledger(SignUp(Day(0)));
        var fullyRefunded = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, 30m, orderId: "o-1"), Refund(Day(2), "o-1", 100m, 30m));

        CustomerMeasures.Of(noPurchase, Year(1), model).MarginShare.ShouldBe(0.42m);
        CustomerMeasures.Of(fullyRefunded, Year(1), model).MarginShare.ShouldBe(0.42m);
        CustomerMeasures.Of(noPurchase, Year(1), PortfolioModel.Default).MarginShare.ShouldBe(0.3m);
        CustomerMeasures.Of(noPurchase, Year(1), model).AverageOrderValue.ShouldBe(0m);
        CustomerMeasures.Of(noPurchase, Year(1), model).MarginPerPurchase.ShouldBe(0m);
    }

    [Fact]
    public void the_margin_share_is_kept_between_0_and_1()
    {
        // margin -20 on revenue 100: -0.2, clamped to 0.
        var lossMaking = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, -20m));

        CustomerMeasures.Of(lossMaking, Year(1), PortfolioModel.Default).MarginShare.ShouldBe(0m);
    }
}
