using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

// FHL 2005's published CDNOW parameters and their worked predictions.
public class when_predicting_with_the_published_cdnow_model
{
    private static readonly BgNbdParameters Published = new(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426);
    private static readonly PurchaseHistory TwoRepeatsLastInWeek30 = new(2, 30.43, 38.86);

    [Fact]
    public void a_customer_with_two_repeats_is_expected_to_buy_1_226_times_in_the_next_39_weeks()
    {
        // FHL 2005, section 4: x = 2, t_x = 30.43, T = 38.86 gives 1.226 (published to 3 decimals).
        BgNbd.ConditionalExpectedPurchases(Published, TwoRepeatsLastInWeek30, 39).ShouldBe(1.226, tolerance: 0.0005);
    }

    [Fact]
    public void a_new_customer_makes_no_purchase_in_39_weeks_with_probability_0_5737864()
    {
        // P(X(t) = 0) = (alpha / (alpha + t))^r = (4.414 / 43.414)^0.243 = exp(0.243 x -2.2860007) = 0.5737864
        BgNbd.ProbabilityOfPurchases(Published, 0, 39).ShouldBe(0.5737864, tolerance: 5e-8);
    }

    [Fact]
    public void the_customer_with_two_repeats_is_alive_with_probability_0_7266()
    {
        // a / (b + x - 1) = 0.793 / 3.426 = 0.231465
        // ((alpha + T) / (alpha + t_x))^(r + x) = (43.274 / 34.844)^2.243 = 1.241935^2.243 = 1.625789
        // P(alive) = 1 / (1 + 0.231465 x 1.625789) = 1 / 1.376314 = 0.726579
        BgNbd.ProbabilityAlive(Published, TwoRepeatsLastInWeek30).ShouldBe(0.726579, tolerance: 1e-6);
    }

    [Fact]
    public void a_customer_without_repeats_has_not_shown_a_chance_to_drop_out()
    {
        // BG/NBD customers can only drop out just after a purchase: with x = 0 they are alive.
        BgNbd.ProbabilityAlive(Published, new PurchaseHistory(0, 0, 38.86)).ShouldBe(1);
    }

    [Fact]
    public void the_expected_purchases_of_a_new_customer_agree_with_the_purchase_count_distribution()
    {
        // Eq. 9 (closed form, through 2F1) against eq. 8 summed: E[X(t)] = sum of x P(X(t) = x),
        // and the probabilities add up to 1. The tail beyond 400 purchases is below 1e-15.
        var probabilities = Enumerable.Range(0, 400).Select(x => BgNbd.ProbabilityOfPurchases(Published, x, 39)).ToList();

        probabilities.Sum().ShouldBe(1, tolerance: 1e-9);
        BgNbd.ExpectedPurchases(Published, 39).ShouldBe(probabilities.Select((p, x) => p * x).Sum(), tolerance: 1e-9);
    }

    [Fact]
    public void a_customer_observed_for_no_time_expects_what_a_new_customer_expects()
    {
        // Eq. 10 with x = 0, t_x = 0, T = 0 is eq. 9.
        BgNbd.ConditionalExpectedPurchases(Published, new PurchaseHistory(0, 0, 0), 52)
            .ShouldBe(BgNbd.ExpectedPurchases(Published, 52), tolerance: 1e-12);
    }
}
