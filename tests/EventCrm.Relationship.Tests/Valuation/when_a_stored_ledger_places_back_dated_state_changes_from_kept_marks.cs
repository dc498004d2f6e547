using System.Text.Json;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

/// <summary>
/// A state change dated before the latest one (a churn, a cancellation request or its withdrawal, an answered offer, a
/// signup, a lead, a purchase finding no customer) moves a stored ledger's summary on from the state-changing touchpoints
/// kept beside it (<see cref="StateMarks"/>), as the ledger daemon and the value checkpoints keep them: the state changes
/// and the places of the touchpoints that made them are those the whole history's fold gives, to the byte.
/// </summary>
public class when_a_stored_ledger_places_back_dated_state_changes_from_kept_marks
{
    /// <summary>
    /// Stored after every touchpoint, read back, moved on by the next one with the marks recorded before it (and, for a
    /// purchase back-dated among the purchase days, whether its day held one: the daemon keeps those too).
    /// </summary>
    private static CustomerLedger StoredAfterEach(IReadOnlyList<ITouchpoint> touchpoints)
    {
        var stored = FoldedLedger.Empty("c-1").AsStored();
        var marks = new StateMarks();
        var days = new HashSet<DateOnly>();
        foreach (var touchpoint in touchpoints)
        {
            var bought = stored.PurchaseDayToLookUp(touchpoint) is { } day ? days.Contains(day) : (bool?)null;
            var moved = stored.TryRecord(touchpoint, boughtThatDay: bought, marks: stored.MarksToLookUp(touchpoint) ? marks : null);
            if (touchpoint is PurchaseMade p) days.Add(PurchaseOccasions.DayOf(p.OccurredAt));
            moved.ShouldNotBeNull($"{TouchpointTypes.NameOf(touchpoint)} at {touchpoint.OccurredAt:O} placed from the kept marks");
            marks.Add(touchpoint.OccurredAt, stored.Touchpoints, TouchpointTypes.NameOf(touchpoint));
            stored = moved;
        }
        return stored;
    }

    private static void ShouldBeTheWholeHistorys(CustomerLedger stored, IReadOnlyList<ITouchpoint> touchpoints)
    {
        var folded = FoldedLedger.Of("c-1", touchpoints);
        stored.ShouldBeOfType<CustomerLedger>();   // moved on from its summary and the marks, never a folded one
        JsonSerializer.Serialize(stored.Summary).ShouldBe(JsonSerializer.Serialize(folded.Summary));
    }

    [Fact]
    public void back_dated_churns_requests_withdrawals_and_answers_replay_the_states_after_them()
    {
        ITouchpoint[] history =
        [
            /* 0 */ Lead(Day(0)), /* 1 */ SignUp(Day(1)), /* 2 */ Purchase(Day(10), 10m, 3m), /* 3 */ Purchase(Day(20), 10m, 3m),
            /* 4 */ Purchase(Day(30), 10m, 3m), /* 5 */ Purchase(Day(40), 10m, 3m),
            // Recorded late: a churn on day 15 (the purchase of day 20 wins the client back), a cancellation request on day 25,
            // an offer accepted on day 27, a request on day 33 withdrawn on day 35, a churn on day 45 (after every purchase).
            /* 6 */ Churn(Day(15)), /* 7 */ CancellationRequest(Day(25)), /* 8 */ RetentionOffer(Day(26), "of-1", 5m), /* 9 */ RetentionAccepted(Day(27), "of-1"),
            /* 10 */ CancellationRequest(Day(33)), /* 11 */ new CancellationWithdrawn(Guid.NewGuid().ToString(), Day(35), "request-33", null), /* 12 */ Churn(Day(45)),
        ];

        var stored = StoredAfterEach(history);

        ShouldBeTheWholeHistorys(stored, history);
        // In business order: lead (prospect, place 0), signup (active, 1), day 10 (nothing), churn day 15 (churned, 6),
        // day 20 wins it back (active, 3), request 25 (7), accepted 27 (retained, 9), day 30 (nothing), request 33 (10),
        // withdrawn 35 (active, 11), day 40 (nothing), churn 45 (churned, 12).
        stored.StateChanges().ShouldBe([
            new(Day(0), CustomerStates.Prospect), new(Day(1), CustomerStates.Active), new(Day(15), CustomerStates.Churned),
            new(Day(20), CustomerStates.Active), new(Day(25), CustomerStates.CancellationRequested), new(Day(27), CustomerStates.Retained),
            new(Day(33), CustomerStates.CancellationRequested), new(Day(35), CustomerStates.Active), new(Day(45), CustomerStates.Churned),
        ]);
        stored.Summary.ChangeOrders.ShouldBe([0L, 1, 6, 3, 7, 9, 10, 11, 12]);
    }

    [Fact]
    public void a_back_dated_purchase_wins_back_a_churned_client_until_the_next_mark()
    {
        ITouchpoint[] history =
        [
            /* 0 */ SignUp(Day(0)), /* 1 */ Churn(Day(10)), /* 2 */ Purchase(Day(30), 1m, 0m), /* 3 */ Churn(Day(40)),
            // Day 20 wins the client back before day 30 did; day 5 finds it active (nothing); day 50 wins it back after the second churn;
            // day 15, earlier than day 20, wins it back first.
            /* 4 */ Purchase(Day(20), 1m, 0m), /* 5 */ Purchase(Day(5), 1m, 0m), /* 6 */ Purchase(Day(50), 1m, 0m), /* 7 */ Purchase(Day(15), 1m, 0m),
        ];

        var stored = StoredAfterEach(history);

        ShouldBeTheWholeHistorys(stored, history);
        stored.StateChanges().ShouldBe([
            new(Day(0), CustomerStates.Active), new(Day(10), CustomerStates.Churned), new(Day(15), CustomerStates.Active),
            new(Day(40), CustomerStates.Churned), new(Day(50), CustomerStates.Active),
        ]);
        stored.Summary.ChangeOrders.ShouldBe([0L, 1, 7, 3, 6]);
    }

    [Fact]
    public void a_back_dated_signup_or_lead_before_everything_starts_the_states_over()
    {
        ITouchpoint[] history =
        [
            /* 0 */ Purchase(Day(10), 1m, 0m), /* 1 */ Churn(Day(20)), /* 2 */ Purchase(Day(30), 1m, 0m),
            // A lead on day 5: a prospect, then day 10 makes it active; a signup on day 2 (active, the lead keeps it so);
            // a churn at the same moment as the purchase of day 30, recorded after it: churned at day 30.
            /* 3 */ Lead(Day(5)), /* 4 */ SignUp(Day(2)), /* 5 */ Churn(Day(30)),
        ];

        var stored = StoredAfterEach(history);

        ShouldBeTheWholeHistorys(stored, history);
        stored.StateChanges().ShouldBe([
            new(Day(2), CustomerStates.Active), new(Day(20), CustomerStates.Churned), new(Day(30), CustomerStates.Active), new(Day(30), CustomerStates.Churned),
        ]);
        stored.Summary.ChangeOrders.ShouldBe([4L, 1, 2, 5]);
    }

    [Fact]
    public void any_order_of_recording_gives_the_whole_historys_states()
    {
        // Five hundred histories, each of the same kinds of touchpoints on thirty days recorded in a shuffled order.
        var random = new Random(39);
        string[] kinds = ["lead", "signup", "purchase", "purchase", "purchase", "request", "withdrawn", "churn", "accepted", "declined", "call"];
        for (var history = 0; history < 500; history++)
        {
            var touchpoints = Enumerable.Range(0, 40).Select(_ => Of(kinds[random.Next(kinds.Length)], Day(random.Next(30)).AddHours(random.Next(3)))).ToList();

            ShouldBeTheWholeHistorys(StoredAfterEach(touchpoints), touchpoints);
        }
    }

    private static ITouchpoint Of(string kind, DateTimeOffset at) => kind switch
    {
        "lead" => Lead(at),
        "signup" => SignUp(at),
        "purchase" => Purchase(at, 1m, 0m),
        "request" => CancellationRequest(at),
        "withdrawn" => new CancellationWithdrawn(Guid.NewGuid().ToString(), at, "request", null),
        "churn" => Churn(at),
        "accepted" => RetentionAccepted(at, "of-1"),
        "declined" => RetentionDeclined(at, "of-1"),
        _ => SupportCall(at, 1m),
    };
}
