using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

public class when_fitting_the_portfolio_model(AppFixture app)
{
    [Fact]
    public async Task bgnbd_gg_with_the_published_cdnow_model_values_a_customer_as_the_paper_predicts()
    {
        // CDNOW's customer 1: first purchase, then x = 2 repeats, the last 213 days (30.43 weeks)
        // after the first, observed for 272 days (38.86 weeks). Repeat amounts 20.00 and 24.70:
        // zbar = 22.35.
        var customer = Ids.Customer();
        var first = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await app.Host.PostTouchpoints(new[]
        {
            SignUp(customer, first.AddDays(-1)),
            Purchase(customer, first, amount: 30m, margin: 10m),
            Purchase(customer, first.AddDays(100), amount: 20m, margin: 5m),
            Purchase(customer, first.AddDays(213), amount: 24.70m, margin: 5m),
        });
        var formula = await app.RegisterFormula("bgnbd-gg", new
        {
            horizonWeeks = 39m, marginShare = 1m,
            r = 0.243m, alpha = 4.414m, a = 0.793m, b = 2.426m, p = 6.25m, q = 3.74m, gamma = 15.44m,
        });

        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula={formula}&asOf=2024-09-29");

        // FHL 2005: E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226 purchases.
        // Gamma-Gamma: E[Z | x, zbar] = (gamma p + p x zbar) / (p x + q - 1)
        //   = (15.44 x 6.25 + 6.25 x 2 x 22.35) / (12.5 + 2.74) = 375.875 / 15.24 = 24.6637
        // value = 1.226 x 24.6637 = 30.24
        value["current"]!.GetValue<decimal>().ShouldBe(30.24m, 0.05m);

        // The same predictions, one by one. P(alive) = 1 / (1 + a/(b+x-1) x ((alpha+T)/(alpha+t_x))^(r+x))
        //   = 1 / (1 + 0.793/3.426 x (43.2711/34.8426)^2.243) = 1 / (1 + 0.231465 x 1.62570) = 0.726590
        var outlook = value["outlook"]!;
        outlook["horizonWeeks"]!.GetValue<decimal>().ShouldBe(39m);
        outlook["expectedPurchases"]!.GetValue<decimal>().ShouldBe(1.226m, 0.0005m);
        outlook["probabilityAlive"]!.GetValue<decimal>().ShouldBe(0.72659m, 0.00001m);
        outlook["expectedValuePerPurchase"]!.GetValue<decimal>().ShouldBe(24.6637m, 0.0001m);
        outlook["repeatPurchases"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task a_client_who_never_bought_again_is_said_to_have_no_repeat_purchase_beside_its_probability_of_one()
    {
        // Two orders on one day are one purchase occasion: x = 0, no pace to judge. P(alive | x = 0) = 1 by the
        // formula above (its second term is 0 without repeats): the answer says why with repeatPurchases 0.
        // A second buyer whose second order came 10 days later has x = 1.
        var (once, twice) = (Ids.Customer(), Ids.Customer());
        var first = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await app.Host.PostTouchpoints(new[]
        {
            SignUp(once, first.AddDays(-1)), Purchase(once, first, amount: 30m, margin: 10m), Purchase(once, first.AddHours(3), amount: 20m, margin: 5m),
            SignUp(twice, first.AddDays(-1)), Purchase(twice, first, amount: 30m, margin: 10m), Purchase(twice, first.AddDays(10), amount: 20m, margin: 5m),
        });
        var formula = await app.RegisterFormula("bgnbd-gg", new
        {
            horizonWeeks = 39m, marginShare = 1m,
            r = 0.243m, alpha = 4.414m, a = 0.793m, b = 2.426m, p = 6.25m, q = 3.74m, gamma = 15.44m,
        });

        var never = (await app.Host.GetJson($"/api/customers/{once}/value?formula={formula}&asOf=2024-09-29"))["outlook"]!;
        never["repeatPurchases"]!.GetValue<int>().ShouldBe(0);
        never["probabilityAlive"]!.GetValue<decimal>().ShouldBe(1m);

        // x = 1, t_x = 10/7 = 1.4286, T = 272/7 = 38.857 weeks (to 29 September):
        // P(alive) = 1 / (1 + 0.793/2.426 x (43.2711/5.8426)^1.243) = 1 / (1 + 0.326876 x 12.0477) = 0.202507
        var again = (await app.Host.GetJson($"/api/customers/{twice}/value?formula={formula}&asOf=2024-09-29"))["outlook"]!;
        again["repeatPurchases"]!.GetValue<int>().ShouldBe(1);
        again["probabilityAlive"]!.GetValue<decimal>().ShouldBe(0.2025m, 0.0002m);
    }

    [Fact]
    public async Task without_fitted_models_there_is_no_outlook_and_a_churned_customer_has_none()
    {
        await using var host = await AppFixture.StartHost("eventcrm_no_models");
        await host.ResetAllData();
        var (buyer, gone) = (Ids.Customer(), Ids.Customer());
        var first = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await host.PostTouchpoints(new[]
        {
            SignUp(buyer, first), Purchase(buyer, first.AddDays(3)),
            SignUp(gone, first), Purchase(gone, first.AddDays(3)), Churn(gone, first.AddDays(40)),
        });
        var published = new { r = 0.243m, alpha = 4.414m, a = 0.793m, b = 2.426m, p = 6.25m, q = 3.74m, gamma = 15.44m };
        var registered = await host.PostJson("/api/formulas", new { name = "bgnbd-gg", parameters = published }, 201);
        var formula = $"bgnbd-gg@{registered["version"]}";

        (await host.GetJson($"/api/customers/{buyer}/value"))["outlook"].ShouldBeNull();
        (await host.GetJson($"/api/customers/{buyer}/value?formula={formula}"))["outlook"]!["horizonWeeks"]!.GetValue<decimal>().ShouldBe(52m);
        (await host.GetJson($"/api/customers/{gone}/value?formula={formula}"))["outlook"].ShouldBeNull();
    }

    [Fact]
    public async Task cross_sell_reads_what_the_customers_who_bought_the_same_categories_also_bought()
    {
        await using var host = await AppFixture.StartHost("eventcrm_cross_sell");
        await host.ResetAllData();
        // Five smb customers, each signed up exactly a year before the refit (tenure 1: a year's
        // margin is the margin), margins by category:
        //   A rollers 30, movers 60        B rollers 20                 C rollers 10, movers 40
        //   D movers 50, lifting 90        E rollers 40, movers 20, lifting 30
        var asOf = new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var signup = asOf.AddDays(-365.25);
        (string Customer, (string Category, decimal Margin)[] Purchases)[] bases =
        [
            ("xs-a", [("rollers", 30m), ("movers", 60m)]), ("xs-b", [("rollers", 20m)]), ("xs-c", [("rollers", 10m), ("movers", 40m)]),
            ("xs-d", [("movers", 50m), ("lifting", 90m)]), ("xs-e", [("rollers", 40m), ("movers", 20m), ("lifting", 30m)]),
        ];
        await host.PostTouchpoints(bases.SelectMany(c => new[] { SignUp(c.Customer, signup) }
            .Concat(c.Purchases.Select((p, i) => Purchase(c.Customer, signup.AddDays(10 + i), amount: 200m, margin: p.Margin, category: p.Category)))).ToArray());
        // Everyone worth the same under the formula in force: the segment's benchmark is that value, and nobody has a gap to it.
        var pinned = await host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { averageOrderValue = 100m, purchasesPerYear = 2m, lifetimeYears = 3m } }, 201);
        await host.PostJson("/api/formulas/default", new { formula = $"simple-clv@{pinned["version"]}" }, 200);
        await host.PostJson("/api/models/refit", new { asOf }, 201);

        // Peers' yearly margin: rollers (30 + 20 + 10 + 40) / 4 = 25, movers (60 + 40 + 50 + 20) / 4 = 42.5, lifting (90 + 30) / 2 = 60.
        // A bought rollers and movers, as did A, C and E; of those three only E bought lifting gear: 1/3 = 0.3333 x 60 = 20.00.
        // (The strongest single association, P(lifting | movers) = 2/4, would have said 30.)
        var a = await host.GetJson($"/api/customers/xs-a/value?asOf={asOf:O}".Replace("+", "%2B"));
        a["potential"]!["crossSell"]!.GetValue<decimal>().ShouldBe(20.00m);
        a["potential"]!["shareOfWalletGap"]!.GetValue<decimal>().ShouldBe(0m);
        // B bought rollers, as did A, B, C and E: movers 3/4 x 42.5 = 31.875, lifting 1/4 x 60 = 15; 46.875 -> 46.88.
        var b = await host.GetJson($"/api/customers/xs-b/value?asOf={asOf:O}".Replace("+", "%2B"));
        b["potential"]!["crossSell"]!.GetValue<decimal>().ShouldBe(46.88m);
        b["potential"]!["total"]!.GetValue<decimal>().ShouldBe(46.88m);
    }

    [Fact]
    public async Task a_refit_over_the_store_is_recorded_and_feeds_the_built_in_bgnbd_gg()
    {
        // Its own schema: the fit is over the whole base, and other scenarios' customers are
        // too regular for a maximum-likelihood fit to mean anything.
        await using var host = await AppFixture.StartHost("eventcrm_models");
        await host.ResetAllData();
        // From a midnight: the fit counts in whole days, so a start at the time of day the test runs
        // would make the base, and whether it has a maximum at all, depend on that time.
        var at = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-400), TimeSpan.Zero);
        var random = new Random(7);
        var customers = Enumerable.Range(0, 60).Select(i => $"m-{i:D3}").ToList();
        await host.PostTouchpoints(customers.SelectMany(c =>
        {
            var day = random.NextDouble() * 60;
            // Customers differ in what they spend per order, as Gamma-Gamma assumes.
            var usualOrder = 15 + Math.Exp(random.NextDouble() * 3.5) * 8;
            var touchpoints = new List<Dictionary<string, object?>> { SignUp(c, at) };
            for (var n = random.Next(1, 9); n > 0 && day < 390; n--, day += -Math.Log(1 - random.NextDouble()) * 45)
                touchpoints.Add(Purchase(c, at.AddDays(day), amount: Math.Round((decimal)(usualOrder * (0.6 + 0.8 * random.NextDouble())), 2), margin: 5m));
            return touchpoints;
        }).ToArray());

        var asked = DateTimeOffset.UtcNow;
        var fitted = await host.PostJson("/api/models/refit", new { }, 201);

        fitted["model"]!["purchases"]!["r"]!.GetValue<double>().ShouldBeGreaterThan(0);
        fitted["model"]!["spend"]!["q"]!.GetValue<double>().ShouldBeGreaterThan(0);
        fitted["customers"]!.GetValue<int>().ShouldBe(60);
        // The refit is recorded when it was asked for, not at the start of the base 400 days ago.
        (await host.GetJson("/api/models/current"))["fittedAt"]!.GetValue<DateTimeOffset>().ShouldBe(asked, TimeSpan.FromMinutes(1));
        var value = await host.GetJson($"/api/customers/{customers[0]}/value?formula=bgnbd-gg@0");
        value["inputs"]!["r"]!.GetValue<decimal>().ShouldBe((decimal)fitted["model"]!["purchases"]!["r"]!.GetValue<double>(), 0.000001m);
    }
}
