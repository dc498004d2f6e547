using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_summarising_the_cdnow_transactions
{
    [Fact]
    public void every_cdnow_customer_is_in_the_calibration_base()
    {
        Cdnow.Transactions.Count.ShouldBe(6919);
        Cdnow.CalibrationSummaries.Count.ShouldBe(2357);
        Cdnow.PublishedSummaries.Count.ShouldBe(2357);
    }

    [Fact]
    public void there_are_946_repeat_buyers_as_in_the_published_summary()
    {
        Cdnow.CalibrationSummaries.Count(s => s.History.RepeatPurchases > 0).ShouldBe(946);
        Cdnow.PublishedSummaries.Count(s => s.X > 0).ShouldBe(946);
    }

    [Fact]
    public void customer_1_matches_the_published_row()
    {
        // Raw rows of customer 1: 1997-01-01 $29.33, 1997-01-18 $29.73, 1997-08-02 $14.96, 1997-12-12 $26.48.
        // The last is after 30 Sep 1997. x = 2 repeats (18 Jan, 2 Aug);
        // t_x = 1 Jan -> 2 Aug = 213 days / 7 = 30.43; T = 1 Jan -> 30 Sep = 272 days / 7 = 38.86;
        // zbar = (29.73 + 14.96) / 2 = 22.345 (published, rounded: 2, 30.43, 38.86, 22.35).
        var customer1 = Cdnow.CalibrationSummaries.Single(s => s.CustomerId == 1);

        customer1.History.RepeatPurchases.ShouldBe(2);
        customer1.History.WeeksToLastPurchase.ShouldBe(213 / 7.0, tolerance: 1e-12);
        customer1.History.WeeksObserved.ShouldBe(272 / 7.0, tolerance: 1e-12);
        customer1.MeanRepeatValue.ShouldBe(22.345m);
    }

    [Fact]
    public void every_customer_agrees_with_the_published_summary_to_its_two_decimals()
    {
        var ours = Cdnow.CalibrationSummaries.ToDictionary(s => s.CustomerId);

        var disagreements = Cdnow.PublishedSummaries
            .Where(published =>
            {
                var mine = ours[published.Id];
                return mine.History.RepeatPurchases != published.X
                    || Math.Abs(mine.History.WeeksToLastPurchase - published.Tx) > 0.005 + 1e-9
                    || Math.Abs(mine.History.WeeksObserved - published.T) > 0.005 + 1e-9
                    || Math.Abs((double)(mine.MeanRepeatValue ?? 0m) - published.Zbar) > 0.005 + 1e-9;
            })
            .Select(p => p.Id)
            .ToList();

        disagreements.ShouldBeEmpty();
    }
}
