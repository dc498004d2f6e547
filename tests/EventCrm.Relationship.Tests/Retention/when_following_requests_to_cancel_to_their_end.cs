using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Touchpoints;
using Shouldly;

namespace EventCrm.Relationship.Tests.Retention;

/// <summary>The retention desk's cases, folded from a client's touchpoints in the order they were recorded.</summary>
public class when_following_requests_to_cancel_to_their_end
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, decimal> Worth8000 = new() { ["currentValue"] = 8_000m };

    private static RetentionCases Fold(params ITouchpoint[] touchpoints) =>
        touchpoints.Aggregate(RetentionCases.Empty("c-1"), (cases, t) => cases.Record(t));

    private static RetentionOfferMade Offer(string request, DateTimeOffset at) =>
        new($"{request}-made", at, request, $"offer:{request}", 960m, 960m, at.AddDays(7), "gold tier", Worth8000, new OfferTier("gold", 5_000m, 0.6m, 0.2m));

    [Fact]
    public void a_churn_dated_before_the_offer_leaves_it_open_and_one_dated_after_closes_it()
    {
        // A churn imported late, dated the day before the offer: the client left and came back before asking.
        var early = Fold(Offer("r-1", Day1), new CustomerChurned("old-churn", Day1.AddDays(-1), null));
        early.Cases.Single().Outcome.ShouldBeNull();

        var left = Fold(Offer("r-1", Day1), new CustomerChurned("churn", Day1.AddDays(1), null));
        (left.Cases.Single().Outcome, left.Cases.Single().SettledAt).ShouldBe((RetentionOutcomes.Left, Day1.AddDays(1)));
    }

    [Fact]
    public void an_expiry_then_the_churn_it_records_is_an_expiry_and_an_answer_to_a_closed_offer_changes_nothing()
    {
        var cases = Fold(Offer("r-1", Day1), new RetentionOfferExpired("exp", Day1.AddDays(7), "offer:r-1"),
            new CustomerChurned("churn", Day1.AddDays(7), null), new RetentionOfferAccepted("late", Day1.AddDays(8), "offer:r-1"));

        cases.Cases.Single().Outcome.ShouldBe(RetentionOutcomes.Expired);
    }

    [Fact]
    public void a_decision_recorded_twice_counts_once_and_the_period_bounds_span_every_decision()
    {
        var cases = Fold(Offer("r-1", Day1), Offer("r-1", Day1),
            new RetentionOfferDeclined("no", Day1.AddDays(1), "offer:r-1"),
            new RetentionNotOffered("r-2-decided", Day1.AddDays(30), "r-2", "worth too little", "below-minimum (formula retention-ltv@0)", Worth8000));

        cases.Cases.Count.ShouldBe(2);
        (cases.FirstDecidedAt, cases.LastDecidedAt).ShouldBe((Day1, Day1.AddDays(30)));
        cases.Cases[1].Rule.ShouldBe("below-minimum");
        cases.Cases[1].ValueAtDecision.ShouldBe(8_000m);
    }

    [Fact]
    public void a_decision_that_records_no_current_value_is_counted_without_one()
    {
        var made = Offer("r-1", Day1) with { Inputs = new Dictionary<string, decimal>() };
        var report = RetentionOutcomeReport.Of([Fold(made, new RetentionOfferAccepted("yes", Day1.AddDays(1), "offer:r-1"))], Day1.AddDays(-1), Day1.AddDays(1));

        // 1 accepted of 1 ended, 960 spent, no value kept: the one acceptance recorded none.
        (report.Offers.SaveRate, report.Offers.MoneySpent, report.Offers.ValueKept, report.Offers.AcceptedWithoutValue).ShouldBe((1m, 960m, 0m, 1));
    }

    [Fact]
    public void a_client_retained_twice_is_one_client_kept_at_its_latest_value()
    {
        // c-1 accepts 960 on day 1 (worth 8,000 then), asks again and accepts 500 on day 3 (worth 7,500 by then);
        // c-2 accepts 960 on day 2 (worth 8,000).
        var again = Offer("r-2", Day1.AddDays(3)) with { Amount = 500m, Cost = 500m, Inputs = new Dictionary<string, decimal> { ["currentValue"] = 7_500m } };
        var twice = Fold(Offer("r-1", Day1), new RetentionOfferAccepted("yes-1", Day1.AddHours(1), "offer:r-1"),
            again, new RetentionOfferAccepted("yes-2", Day1.AddDays(3).AddHours(1), "offer:r-2"));
        var once = new[] { Offer("r-3", Day1.AddDays(2)), (ITouchpoint)new RetentionOfferAccepted("yes-3", Day1.AddDays(2).AddHours(1), "offer:r-3") }
            .Aggregate(RetentionCases.Empty("c-2"), (cases, t) => cases.Record(t));

        var report = RetentionOutcomeReport.Of([twice, once], Day1.AddDays(-1), Day1.AddDays(7));

        // 3 offers accepted, 960 + 500 + 960 = 2,420 spent; 2 clients kept, worth 7,500 (c-1's latest) + 8,000 = 15,500.
        (report.Offers.Accepted, report.Offers.MoneySpent, report.Offers.ClientsRetained, report.Retained).ShouldBe((3, 2_420m, 2, 2));
        report.Offers.ValueKept.ShouldBe(15_500m);
    }
}
