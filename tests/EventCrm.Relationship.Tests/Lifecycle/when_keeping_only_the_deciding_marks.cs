using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;

namespace EventCrm.Relationship.Tests.Lifecycle;

public class when_keeping_only_the_deciding_marks
{
    private static readonly string[] StateChanging =
    [
        TouchpointTypes.LeadCaptured, TouchpointTypes.SignedUp, TouchpointTypes.Purchase, TouchpointTypes.CancellationRequested,
        TouchpointTypes.Churned, TouchpointTypes.RetentionOfferAccepted, TouchpointTypes.RetentionOfferDeclined, TouchpointTypes.RetentionOfferExpired,
    ];

    private static string StateAfter(IEnumerable<Mark> marks) =>
        Mark.Replay(marks) is { Count: > 0 } replayed ? replayed[^1].State : CustomerStates.Prospect;

    private static IReadOnlyList<Mark> Keep(IReadOnlyList<Mark> kept, Mark added) =>
        DecidingMarks.Of([.. kept, added], m => m.OccurredAt, m => m.Recorded, m => m.Type);

    [Fact]
    public void a_signup_and_a_thousand_purchases_keep_two_marks_and_a_churn_back_dated_between_them_is_won_back()
    {
        IReadOnlyList<Mark> kept = [new(1, 1, TouchpointTypes.SignedUp)];
        for (var day = 2; day <= 1001; day++) kept = Keep(kept, new(day, day, TouchpointTypes.Purchase));

        kept.ShouldBe([new(1, 1, TouchpointTypes.SignedUp), new(1001, 1001, TouchpointTypes.Purchase)]);
        // Churned on day 500, then bought again on days 501 to 1001: active.
        StateAfter(Keep(kept, new(500, 1002, TouchpointTypes.Churned))).ShouldBe(CustomerStates.Active);
        // Churned after the last purchase: churned.
        StateAfter(Keep(kept, new(2000, 1002, TouchpointTypes.Churned))).ShouldBe(CustomerStates.Churned);
    }

    [Fact]
    public void the_kept_marks_fold_to_the_state_all_the_marks_fold_to_whatever_the_order_they_arrive_in()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var (all, kept) = (new List<Mark>(), (IReadOnlyList<Mark>)[]);
            for (var recorded = 1; recorded <= 30; recorded++)
            {
                // Few distinct days, so that business-time ties (ordered by recording) are common.
                var mark = new Mark(random.Next(0, 12), recorded, StateChanging[random.Next(StateChanging.Length)]);
                all.Add(mark);
                kept = Keep(kept, mark);

                StateAfter(kept).ShouldBe(StateAfter(all), $"seed {seed}, after {recorded} marks");
                kept.Count.ShouldBeLessThanOrEqualTo(2);
            }
        }
    }
}
