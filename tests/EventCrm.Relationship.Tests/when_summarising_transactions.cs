using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_summarising_transactions
{
    private static readonly DateOnly CalibrationEnd = new(2024, 3, 31);

    [Fact]
    public void several_rows_on_one_day_are_one_occasion_with_their_amounts_summed()
    {
        CustomerPurchase<string>[] rows =
        [
            new("ann", new(2024, 1, 1), 40m),     // first occasion: starts the clock, not a repeat
            new("ann", new(2024, 1, 15), 10m),    // repeat occasion 1: 10 + 20 = 30
            new("ann", new(2024, 1, 15), 20m),
            new("ann", new(2024, 2, 12), 50m),    // repeat occasion 2: 50
        ];

        var ann = CalibrationSummaries.From(rows, CalibrationEnd).ShouldHaveSingleItem();

        // x = 2; t_x = 42 days (1 Jan -> 12 Feb) / 7 = 6 weeks; T = 90 days (1 Jan -> 31 Mar, leap year) / 7;
        // zbar = (30 + 50) / 2 = 40
        ann.History.ShouldBe(new PurchaseHistory(2, 6.0, 90 / 7.0));
        ann.MeanRepeatValue.ShouldBe(40m);
    }

    [Fact]
    public void purchases_after_the_calibration_end_are_left_out_and_the_end_day_counts()
    {
        CustomerPurchase<string>[] rows =
        [
            new("bob", new(2024, 3, 3), 10m),
            new("bob", new(2024, 3, 31), 25m),   // on the end date: inside (inclusive)
            new("bob", new(2024, 4, 1), 99m),    // holdout
        ];

        var bob = CalibrationSummaries.From(rows, CalibrationEnd).ShouldHaveSingleItem();

        // x = 1; t_x = T = 28 days / 7 = 4 weeks; zbar = 25
        bob.History.ShouldBe(new PurchaseHistory(1, 4.0, 4.0));
        bob.MeanRepeatValue.ShouldBe(25m);
    }

    [Fact]
    public void a_customer_who_first_bought_after_the_calibration_end_is_not_in_the_base()
    {
        CustomerPurchase<string>[] rows = [new("cat", new(2024, 1, 10), 5m), new("dan", new(2024, 4, 2), 70m)];

        var summaries = CalibrationSummaries.From(rows, CalibrationEnd);

        summaries.Select(s => s.CustomerId).ShouldBe(["cat"]);
        summaries[0].History.ShouldBe(new PurchaseHistory(0, 0, 81 / 7.0));   // 10 Jan -> 31 Mar = 81 days
        summaries[0].MeanRepeatValue.ShouldBeNull();
        summaries[0].Spend.ShouldBeNull();
    }
}
