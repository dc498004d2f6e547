using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

public class when_refitting_the_portfolio_model
{
    private static PortfolioModelFitResult Fit(DateTimeOffset asOf, params FoldedLedger[] ledgers) =>
        PortfolioModelFit.Fit(ledgers, asOf, FormulaChoice.Default);

    [Fact]
    public void the_annual_retention_is_e_to_the_minus_churns_per_customer_year()
    {
        // As of Year(2), exposure from signup to churn (or to the date):
        //   A signed up Year(0), still here: 2 years      B signed up Year(1): 1 year
        //   C Year(0), churned Year(0.5): 0.5, 1 churn    D Year(0.5), churned Year(1.5): 1, 1 churn
        // h = 2 churns / 4.5 customer-years = 0.4444; retention = e^-0.4444 = 0.641180 -> 0.6412
        var fit = Fit(Year(2),
            Ledger("A", SignUp(Year(0))),
            Ledger("B", SignUp(Year(1))),
            Ledger("C", SignUp(Year(0)), Churn(Year(0.5))),
            Ledger("D", SignUp(Year(0.5)), Churn(Year(1.5))));

        fit.Model.AnnualRetentionRate.ShouldBe(0.6412m);
        fit.Churns.ShouldBe(2);
        fit.CustomerYears.ShouldBe(4.5m);
        fit.Customers.ShouldBe(4);
    }

    [Fact]
    public void the_spend_model_needs_ten_repeat_buyers_who_spent_something_on_their_repeats()
    {
        // Gamma-Gamma has no density for a mean repeat spend of 0: a customer whose repeat purchase
        // was free is left out of the fit, so nine paying repeat buyers and a free one are not ten.
        var paying = Enumerable.Range(1, 9).Select(i => Ledger($"r-{i}", SignUp(Year(0)),
            Purchase(Day(10), 40m + 17m * i, 10m), Purchase(Day(50), 25m + 31m * (i % 4), 8m), Purchase(Day(90), 60m + 11m * (i % 3), 9m))).ToArray();
        var free = Ledger("free", SignUp(Year(0)), Purchase(Day(10), 50m, 10m), Purchase(Day(60), 0m, 0m));
        var tenth = Ledger("r-10", SignUp(Year(0)), Purchase(Day(10), 70m, 10m), Purchase(Day(70), 45m, 9m));

        Fit(Year(1), [.. paying, free]).SpendFit.ShouldBeNull();
        Fit(Year(1), [.. paying, tenth]).SpendFit.ShouldNotBeNull().Customers.ShouldBe(10);
    }

    [Fact]
    public void retention_is_kept_between_5_and_99_percent_and_defaults_without_exposure()
    {
        // No churn: e^0 = 1, capped at 0.99. One churn in 0.01 year: e^-100, floored at 0.05.
        Fit(Year(1), Ledger("A", SignUp(Year(0)))).Model.AnnualRetentionRate.ShouldBe(0.99m);
        Fit(Year(1), Ledger("A", SignUp(Year(0)), Churn(Year(0.01)))).Model.AnnualRetentionRate.ShouldBe(0.05m);
        Fit(Year(1)).Model.AnnualRetentionRate.ShouldBe(0.75m);
    }

    [Fact]
    public void a_lead_who_never_signed_up_adds_no_customer_years()
    {
        // A: signed up Year(0), churned Year(1): 1 churn in 1 customer-year, e^-1 = 0.367879 -> 0.3679.
        // P is only a lead: exposure runs "from signup", and P never signed up nor bought.
        var fit = Fit(Year(2),
            Ledger("A", SignUp(Year(0)), Churn(Year(1))),
            Ledger("P", Lead(Year(0))));

        fit.CustomerYears.ShouldBe(1m);
        fit.Model.AnnualRetentionRate.ShouldBe(0.3679m);
    }

    [Fact]
    public void the_margin_share_is_total_margin_over_total_revenue()
    {
        // revenue 300 + 100 + 500 - 100 (refund) = 800; margin 90 + 20 + 140 - 30 = 220; 220 / 800 = 0.275
        var fit = Fit(Year(1),
            Ledger("A", SignUp(Year(0)), Purchase(Day(10), 300m, 90m)),
            Ledger("B", SignUp(Year(0)), Purchase(Day(10), 100m, 20m)),
            Ledger("C", SignUp(Year(0)), Purchase(Day(10), 500m, 140m, orderId: "c-1"), Refund(Day(20), "c-1", 100m, 30m)));

        fit.Model.MarginShare.ShouldBe(0.275m);
        Fit(Year(1), Ledger("A", SignUp(Year(0)))).Model.MarginShare.ShouldBe(0.3m);   // no revenue: the default
    }

    [Fact]
    public void category_affinity_is_the_share_of_buyers_of_b_who_also_bought_c()
    {
        // Baskets: A {rollers, movers}, B {rollers}, C {movers}, D {rollers, lifting}; E bought nothing.
        // n(rollers) = 3, n(movers) = 2, n(lifting) = 1; 4 baskets.
        // P(movers | rollers) = 1/3, P(lifting | rollers) = 1/3, P(rollers | movers) = 1/2, P(lifting | movers) = 0/2,
        // P(rollers | lifting) = 1/1, P(movers | lifting) = 0/1; shares 3/4, 2/4, 1/4.
        var fit = Fit(Year(2),
            Ledger("A", SignUp(Year(0)), Purchase(Day(10), 100m, 30m, "rollers"), Purchase(Day(20), 200m, 60m, "movers"),
                Purchase(Day(30), 100m, 30m, "rollers")),
            Ledger("B", SignUp(Year(1)), Purchase(Year(1).AddDays(5), 100m, 20m, "rollers")),
            Ledger("C", SignUp(Year(0)), Purchase(Day(30), 300m, 90m, "movers")),
            Ledger("D", SignUp(Year(0.5)), Purchase(Year(0.5).AddDays(10), 400m, 100m, "rollers"), Purchase(Year(0.5).AddDays(20), 100m, 40m, "lifting")),
            Ledger("E", SignUp(Year(0))));

        var affinity = fit.Model.CategoryAffinity;
        affinity["rollers"].ShouldBe(new Dictionary<string, decimal> { ["movers"] = 0.3333m, ["lifting"] = 0.3333m }, ignoreOrder: true);
        affinity["movers"].ShouldBe(new Dictionary<string, decimal> { ["rollers"] = 0.5m, ["lifting"] = 0m }, ignoreOrder: true);
        affinity["lifting"].ShouldBe(new Dictionary<string, decimal> { ["rollers"] = 1m, ["movers"] = 0m }, ignoreOrder: true);
        fit.Model.CategoryShare.ShouldBe(new Dictionary<string, decimal> { ["rollers"] = 0.75m, ["movers"] = 0.5m, ["lifting"] = 0.25m }, ignoreOrder: true);
        // One customer for each set bought, the sets' categories in order.
        fit.Model.Baskets!.Select(b => (string.Join("+", b.Categories), b.Customers))
            .ShouldBe([("lifting+rollers", 1), ("movers", 1), ("movers+rollers", 1), ("rollers", 1)], ignoreOrder: true);
    }

    [Fact]
    public void peers_category_margin_is_the_mean_yearly_margin_of_the_segments_buyers_of_that_category()
    {
        // As of Year(2); margin per year = the customer's margin in the category / its tenure (floor 0.25 year):
        //   A smb, 2 years: rollers 30 / 2 = 15, movers 60 / 2 = 30
        //   B smb, 1 year: rollers 20 / 1 = 20
        //   F smb, signed up 30 days before: tenure floored to 0.25, rollers 5 / 0.25 = 20
        //   G smb bought nothing (not a buyer of anything); H has no segment (never signed up)
        //   D corp, 1.5 years: lifting 60 / 1.5 = 40
        // smb rollers (15 + 20 + 20) / 3 = 18.33; smb movers 30 (A only); corp lifting 40
        var fit = Fit(Year(2),
            Ledger("A", SignUp(Year(0), "smb"), Purchase(Day(10), 100m, 30m, "rollers"), Purchase(Day(20), 200m, 60m, "movers")),
            Ledger("B", SignUp(Year(1), "smb"), Purchase(Year(1).AddDays(5), 100m, 20m, "rollers")),
            Ledger("F", SignUp(Year(2).AddDays(-30), "smb"), Purchase(Year(2).AddDays(-20), 50m, 5m, "rollers")),
            Ledger("G", SignUp(Year(0), "smb")),
            Ledger("H", Lead(Year(0)), Purchase(Day(40), 900m, 300m, "rollers")),
            Ledger("D", SignUp(Year(0.5), "corp"), Purchase(Year(0.5).AddDays(10), 400m, 60m, "lifting")));

        var margins = fit.Model.SegmentCategoryMargin;
        margins.Keys.ShouldBe(["smb", "corp"], ignoreOrder: true);
        margins["smb"].ShouldBe(new Dictionary<string, decimal> { ["rollers"] = 18.33m, ["movers"] = 30m }, ignoreOrder: true);
        margins["corp"].ShouldBe(new Dictionary<string, decimal> { ["lifting"] = 40m });
    }

    [Fact]
    public void peers_category_margin_is_net_of_refunds()
    {
        // domain.md: margin = purchase margins - refunds' margin; cross-sell multiplies by the peers' average margin.
        // As of Year(1), every smb customer signed up at Year(0): tenure 1 year, a year's margin is the margin.
        //   A movers order oA 1,000 / 400, half refunded (500 / 200): movers 400 - 200 = 200
        //   B movers 100 / 50, a refund of an order it never placed (no category to charge): movers 50
        //   C one order oC of two lines, rollers 300 / 90 and movers 100 / 60 (order margin 150), refund 200 / 60
        //     charged by the margin each line brought: rollers 90/150 x 60 = 36 -> 90 - 36 = 54; movers 60/150 x 60 = 24
        //     -> 60 - 24 = 36 (by amount it would be 45 and 15, leaving 45 and 45)
        // smb movers (200 + 50 + 36) / 3 = 95.33 (ignoring refunds: (400 + 50 + 60) / 3 = 170); rollers 54 (C only)
        var fit = Fit(Year(1),
            Ledger("A", SignUp(Year(0), "smb"), Purchase(Day(10), 1000m, 400m, "movers", "oA"), Refund(Day(20), "oA", 500m, 200m)),
            Ledger("B", SignUp(Year(0), "smb"), Purchase(Day(10), 100m, 50m, "movers", "oB"), Refund(Day(20), "o-elsewhere", 10m, 5m)),
            Ledger("C", SignUp(Year(0), "smb"), Purchase(Day(10), 300m, 90m, "rollers", "oC"), Purchase(Day(10), 100m, 60m, "movers", "oC"),
                Refund(Day(30), "oC", 200m, 60m)));

        fit.Model.SegmentCategoryMargin["smb"].ShouldBe(new Dictionary<string, decimal> { ["movers"] = 95.33m, ["rollers"] = 54m }, ignoreOrder: true);
    }

    [Fact]
    public void benchmarks_and_tiers_are_percentiles_of_current_values_under_the_formula_in_force()
    {
        // simple-clv with lifetimeYears 1 values each customer at AOV x purchases/year = revenue / tenure;
        // everyone signed up at Year(0) and is valued at Year(1), so the value is the revenue.
        //   smb 100, 200, 400, 800, 1000   corp 50, 300   (a churned smb worth 5,000, a churned retail
        //   customer and a buyer who never signed up are left out)
        // smb 80th: h = 0.8 x 4 = 3.2 -> 800 + 0.2 x (1000 - 800) = 840
        // corp 80th: h = 0.8 x 1 = 0.8 -> 50 + 0.8 x (300 - 50) = 250
        // all seven sorted 50 100 200 300 400 800 1000: 80th h = 4.8 -> 400 + 0.8 x 400 = 720; 50th h = 3 -> 300
        FoldedLedger Buyer(string id, string segment, decimal revenue, params ITouchpoint[] later) =>
            Ledger(id, [SignUp(Year(0), segment), Purchase(Day(10), revenue, revenue / 4), .. later]);
        var formula = Formula("simple-clv", 1, ("lifetimeYears", 1m));

        var fit = PortfolioModelFit.Fit([
            Buyer("s1", "smb", 100m), Buyer("s2", "smb", 200m), Buyer("s3", "smb", 400m), Buyer("s4", "smb", 800m), Buyer("s5", "smb", 1000m),
            Buyer("c1", "corp", 50m), Buyer("c2", "corp", 300m),
            Buyer("gone", "smb", 5000m, Churn(Day(100))), Buyer("r1", "retail", 700m, Churn(Day(100))),
            Ledger("lead", Lead(Year(0)), Purchase(Day(10), 9000m, 100m)),
        ], Year(1), formula);

        fit.Model.SegmentBenchmarks.ShouldBe(new Dictionary<string, decimal> { ["smb"] = 840m, ["corp"] = 250m }, ignoreOrder: true);
        fit.Model.HighTierFrom.ShouldBe(720m);
        fit.Model.MediumTierFrom.ShouldBe(300m);
    }

    [Fact]
    public void benchmarks_fall_back_to_retention_ltv_when_bgnbd_gg_could_not_be_fitted()
    {
        // 3 buyers (< 20): no BG/NBD. No churn: retention e^0 capped at 0.99. retention-ltv@0 with i = 0.08:
        // m x 0.99 / (1.08 - 0.99) = 11 m with m = yearly margin 10, 20, 40 -> 110, 220, 440.
        // 80th: h = 1.6 -> 220 + 0.6 x 220 = 352; median 220.
        var fit = PortfolioModelFit.Fit([
            Ledger("a", SignUp(Year(0)), Purchase(Day(10), 100m, 10m)),
            Ledger("b", SignUp(Year(0)), Purchase(Day(10), 100m, 20m)),
            Ledger("c", SignUp(Year(0)), Purchase(Day(10), 100m, 40m)),
        ], Year(1), FormulaChoice.BuiltIn("bgnbd-gg"));

        fit.Model.Purchases.ShouldBeNull();
        fit.Model.SegmentBenchmarks["smb"].ShouldBe(352m);
        fit.Model.HighTierFrom.ShouldBe(352m);
        fit.Model.MediumTierFrom.ShouldBe(220m);
    }

    [Fact]
    public void bgnbd_needs_20_buyers_and_gamma_gamma_10_repeat_buyers_counting_one_occasion_per_day()
    {
        // 9 customers buy on days 10 and 50 (repeat buyers); 10 buy twice on day 30 (one occasion each,
        // so no repeat); 1 buys once: 20 buyers, 9 repeat buyers.
        var ledgers = new List<FoldedLedger>();
        for (var i = 0; i < 9; i++)
            ledgers.Add(Ledger($"r{i}", SignUp(Year(0)), Purchase(Day(10 + i), 50m + i, 10m), Purchase(Day(50 + 3 * i), 40m + 2 * i, 10m)));
        for (var i = 0; i < 10; i++)
            ledgers.Add(Ledger($"d{i}", SignUp(Year(0)), Purchase(Day(30 + i), 30m, 5m), Purchase(Day(30 + i).AddHours(2), 20m, 5m)));
        ledgers.Add(Ledger("once", SignUp(Year(0)), Purchase(Day(60), 70m, 20m)));

        var twentyBuyers = PortfolioModelFit.Fit(ledgers, Year(1), FormulaChoice.Default);
        ledgers.Add(Ledger("r9", SignUp(Year(0)), Purchase(Day(20), 60m, 10m), Purchase(Day(90), 60m, 10m)));
        var tenRepeaters = PortfolioModelFit.Fit(ledgers, Year(1), FormulaChoice.Default);

        twentyBuyers.PurchaseFit.ShouldNotBeNull().Customers.ShouldBe(20);
        twentyBuyers.Model.Purchases.ShouldNotBeNull();
        twentyBuyers.Model.Spend.ShouldBeNull();
        tenRepeaters.SpendFit.ShouldNotBeNull().Customers.ShouldBe(10);
        tenRepeaters.Model.Spend.ShouldNotBeNull();
        PortfolioModelFit.Fit(ledgers.Take(19).ToList(), Year(1), FormulaChoice.Default).Model.Purchases.ShouldBeNull();
    }
}
