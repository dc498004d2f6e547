using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

public class when_estimating_potential_value
{
    // smb customers at the 80th percentile are worth 1,000; P(c | b) as [b][c]; smb peers earn a
    // yearly margin of 100 on rollers, 200 on movers, 80 on lifting gear.
    private static readonly PortfolioModel Model = PortfolioModel.Default with
    {
        SegmentBenchmarks = new Dictionary<string, decimal> { ["smb"] = 1000m },
        CategoryAffinity = new Dictionary<string, IReadOnlyDictionary<string, decimal>>
        {
            ["rollers"] = new Dictionary<string, decimal> { ["movers"] = 0.5m, ["lifting"] = 0.25m },
            ["movers"] = new Dictionary<string, decimal> { ["rollers"] = 0.4m, ["lifting"] = 0.6m },
            ["lifting"] = new Dictionary<string, decimal> { ["rollers"] = 0.1m, ["movers"] = 0.2m },
        },
        CategoryShare = new Dictionary<string, decimal> { ["rollers"] = 0.5m, ["movers"] = 0.3m, ["lifting"] = 0.2m },
        SegmentCategoryMargin = new Dictionary<string, IReadOnlyDictionary<string, decimal>>
        {
            ["smb"] = new Dictionary<string, decimal> { ["rollers"] = 100m, ["movers"] = 200m, ["lifting"] = 80m },
            ["corp"] = new Dictionary<string, decimal> { ["rollers"] = 100m, ["lifting"] = -30m },
        },
    };

    [Fact]
    public void the_gap_to_the_segment_benchmark_plus_cross_sell_of_categories_not_bought()
    {
        var rollersBuyer = Ledger(SignUp(Day(0), "smb"), Purchase(Day(1), 100m, 30m, "rollers"));

        var potential = PotentialValue.Of(rollersBuyer, currentValue: 400m, Model);

        // gap = max(0, 1,000 - 400) = 600
        // cross-sell: movers P(movers | rollers) 0.5 x 200 = 100; lifting 0.25 x 80 = 20; total 120
        potential.ShouldBe(new PotentialValueResult(Total: 720m, ShareOfWalletGap: 600m, CrossSell: 120m));
    }

    [Fact]
    public void a_model_fitted_before_the_baskets_takes_the_strongest_association_from_what_was_bought()
    {
        var twoCategories = Ledger(SignUp(Day(0), "smb"), Purchase(Day(1), 100m, 30m, "rollers"), Purchase(Day(2), 100m, 30m, "movers"));

        var potential = PotentialValue.Of(twoCategories, currentValue: 1200m, Model);

        // gap = max(0, 1,000 - 1,200) = 0
        // lifting: max(P(lifting | rollers) 0.25, P(lifting | movers) 0.6) = 0.6 x 80 = 48
        potential.ShouldBe(new PotentialValueResult(48m, 0m, 48m));
        PotentialValue.ChanceOfBuying("lifting", new HashSet<string> { "rollers", "movers" }, Model).ShouldBe(0.6m);
    }

    // 25 buyers at the refit: 10 bought rollers only, 6 rollers and movers, 2 all three,
    // 4 movers and lifting gear, 3 lifting gear only.
    private static readonly PortfolioModel WithBaskets = Model with
    {
        Baskets =
        [
            new(["rollers"], 10), new(["movers", "rollers"], 6), new(["lifting", "movers", "rollers"], 2),
            new(["lifting", "movers"], 4), new(["lifting"], 3),
        ],
    };

    [Fact]
    public void the_chance_of_a_category_is_its_share_among_the_customers_who_bought_everything_this_one_did()
    {
        var twoCategories = Ledger(SignUp(Day(0), "smb"), Purchase(Day(1), 100m, 30m, "rollers"), Purchase(Day(2), 100m, 30m, "movers"));

        // Bought rollers and movers: 6 + 2 = 8 customers; 2 of them bought lifting gear: 2 / 8 = 0.25
        // (one category at a time would say up to P(lifting | movers) = 6 / 12 = 0.5).
        PotentialValue.ChanceOfBuying("lifting", new HashSet<string> { "rollers", "movers" }, WithBaskets).ShouldBe(0.25m);
        // gap 1,000 - 1,200 < 0: 0; cross-sell 0.25 x 80 = 20
        PotentialValue.Of(twoCategories, currentValue: 1200m, WithBaskets).ShouldBe(new PotentialValueResult(20m, 0m, 20m));
        // Rollers alone: 18 buyers, 8 bought movers (8 / 18 = 0.444...), 2 lifting gear (2 / 18 = 0.111...), not rounded.
        PotentialValue.ChanceOfBuying("movers", new HashSet<string> { "rollers" }, WithBaskets).ShouldBe(8m / 18m);
        PotentialValue.ChanceOfBuying("lifting", new HashSet<string> { "rollers" }, WithBaskets).ShouldBe(2m / 18m);
    }

    [Fact]
    public void the_chance_read_from_the_baskets_is_not_rounded_before_it_is_multiplied()
    {
        // domain.md: cross-sell = P(category | categories bought) x peers' average margin.
        // 3 buyers of rollers at the refit, 1 of whom also bought movers: P(movers | rollers) = 1/3.
        // smb peers' yearly margin on movers 300: 1/3 x 300 = 100.00 exactly.
        // (P rounded to 4 decimals first, 0.3333 x 300 = 99.99, a cent off.)
        var model = PortfolioModel.Default with
        {
            Baskets = [new(["rollers"], 2), new(["movers", "rollers"], 1)],
            SegmentCategoryMargin = new Dictionary<string, IReadOnlyDictionary<string, decimal>>
            {
                ["smb"] = new Dictionary<string, decimal> { ["rollers"] = 10m, ["movers"] = 300m },
            },
        };
        var rollersBuyer = Ledger(SignUp(Day(0), "smb"), Purchase(Day(1), 100m, 30m, "rollers"));

        PotentialValue.Of(rollersBuyer, currentValue: 0m, model).ShouldBe(new PotentialValueResult(100m, 0m, 100m));
    }

    [Fact]
    public void a_set_of_categories_nobody_bought_at_the_refit_falls_back_to_the_strongest_single_association()
    {
        // Nobody bought rollers and safety gear together: max(P(lifting | rollers) 0.25, P(lifting | safety) unknown 0).
        PotentialValue.ChanceOfBuying("lifting", new HashSet<string> { "rollers", "safety" }, WithBaskets).ShouldBe(0.25m);
    }

    [Fact]
    public void someone_who_bought_nothing_gets_the_category_shares()
    {
        var signedUp = Ledger(SignUp(Day(0), "smb"));

        var potential = PotentialValue.Of(signedUp, currentValue: 0m, Model);

        // gap = 1,000 - 0 = 1,000; cross-sell 0.5 x 100 + 0.3 x 200 + 0.2 x 80 = 50 + 60 + 16 = 126
        potential.ShouldBe(new PotentialValueResult(1126m, 1000m, 126m));
    }

    [Fact]
    public void a_category_with_a_negative_peer_margin_adds_nothing()
    {
        // corp has no benchmark; lifting's peer margin -30 counts as 0; rollers are bought.
        var corp = Ledger(SignUp(Day(0), "corp"), Purchase(Day(1), 100m, 30m, "rollers"));

        PotentialValue.Of(corp, currentValue: 10m, Model).ShouldBe(new PotentialValueResult(0m, 0m, 0m));
    }

    [Fact]
    public void a_segment_without_a_benchmark_has_no_share_of_wallet_gap()
    {
        // No "retail" benchmark: there are no peers to measure a gap against, so the gap is 0.
        var retail = Ledger(SignUp(Day(0), "retail"), Purchase(Day(1), 100m, 30m, "rollers"));

        PotentialValue.Of(retail, currentValue: -50m, Model).ShouldBe(new PotentialValueResult(0m, 0m, 0m));
    }

    [Fact]
    public void a_churned_customer_has_no_potential()
    {
        var churned = Ledger(SignUp(Day(0), "smb"), Purchase(Day(1), 100m, 30m, "rollers"), Churn(Day(5)));

        PotentialValue.Of(churned, currentValue: 0m, Model).ShouldBe(new PotentialValueResult(0m, 0m, 0m));
    }

    [Fact]
    public void the_valuation_puts_historical_current_potential_and_tier_together()
    {
        // Worked example under retention-ltv {retentionRate 0.8, discountRate 0.1}: current -13.33.
        // Default model: no benchmark, so no gap; no peer margins, so no cross-sell.
        var valuation = CustomerValuation.Of(WorkedExample.Ledger(), WorkedExample.AsOf,
            Formula("retention-ltv", 1, ("retentionRate", 0.8m), ("discountRate", 0.1m)), PortfolioModel.Default);

        valuation.Historical.Profit.ShouldBe(-125m);
        valuation.Current.Value.ShouldBe(-13.33m);
        valuation.Potential.ShouldBe(new PotentialValueResult(0m, 0m, 0m));
        valuation.Tier.ShouldBe(ValueTier.Negative);
    }
}
