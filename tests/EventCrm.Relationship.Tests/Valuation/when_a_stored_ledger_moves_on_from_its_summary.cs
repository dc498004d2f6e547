using System.Text.Json;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

/// <summary>
/// The async projection stores a ledger's summary, not its lines, and moves it on touchpoint by
/// touchpoint: every answer must be the one the ledger folded from the whole history gives, and where
/// the summary cannot tell (a touchpoint back-dated past what it keeps) it must say so rather than guess.
/// </summary>
public class when_a_stored_ledger_moves_on_from_its_summary
{
    /// <summary>
    /// As the projection does: stored after every touchpoint, read back, moved on by the next one. <paramref name="tellingPurchaseDays"/>:
    /// as the value checkpoints do, saying whether a back-dated purchase's day held one already (from the lines folded so far).
    /// </summary>
    private static CustomerLedger? StoredAfterEach(IReadOnlyList<ITouchpoint> touchpoints, bool tellingPurchaseDays = false)
    {
        var stored = FoldedLedger.Empty("c-1").AsStored();   // as read back: no lines
        var folded = FoldedLedger.Empty("c-1");
        foreach (var touchpoint in touchpoints)
        {
            var order = stored.OrderToLookUp(touchpoint) is { } orderId ? History(folded, orderId) : null;
            var bought = tellingPurchaseDays && stored.PurchaseDayToLookUp(touchpoint) is { } day
                ? folded.Purchases.Any(p => PurchaseOccasions.DayOf(p.At) == day) : (bool?)null;
            if (stored.TryRecord(touchpoint, order, bought) is not { } moved) return null;
            stored = moved;
            folded = folded.Record(touchpoint);
        }
        return stored;
    }

    /// <summary>What the projection reads from the stream, here from the lines folded so far.</summary>
    private static OrderHistory History(FoldedLedger folded, string orderId)
    {
        var lines = folded.Purchases.Where(p => p.OrderId == orderId).ToList();
        var first = folded.Refunds.Select((r, i) => (r, i)).FirstOrDefault(r => r.r.OrderId == orderId);
        return new OrderHistory(lines.Count == 0 ? null : lines.Sum(p => p.Amount),
            folded.Refunds.Where(r => r.OrderId == orderId).Sum(r => r.Amount), first.r is null ? null : first.i);
    }

    private static void ShouldAnswerAsTheHistory(CustomerLedger stored, IReadOnlyList<ITouchpoint> touchpoints)
    {
        var folded = FoldedLedger.Of("c-1", touchpoints);
        stored.ShouldBeOfType<CustomerLedger>();   // moved on from its summary alone, never a folded one
        JsonSerializer.Serialize(stored.Summary).ShouldBe(JsonSerializer.Serialize(folded.Summary));
        stored.StateChanges().ShouldBe(folded.StateChanges());
        stored.State().ShouldBe(folded.State());
        stored.DataErrors().ShouldBe(folded.DataErrors());
        stored.Occasions().ShouldBe(folded.Occasions());
        stored.CategoriesBought().ShouldBe(folded.CategoriesBought(), ignoreOrder: true);
        (stored.PurchaseCount(), stored.RelationshipStart(), stored.Historical).ShouldBe((folded.PurchaseCount(), folded.RelationshipStart(), folded.Historical));
        var bgNbdGg = Formula("bgnbd-gg", 1, ("horizonWeeks", 39m), ("r", 0.243m), ("alpha", 4.414m), ("a", 0.793m), ("b", 2.426m),
            ("p", 6.25m), ("q", 3.74m), ("gamma", 15.44m));
        foreach (var formula in new[] { FormulaChoice.Default, Formula("simple-clv", 0), Formula("waland-cole", 0), bgNbdGg })
        {
            var model = PortfolioModel.Default;
            CustomerValuation.Of(stored, Year(2), formula, model).ShouldBeEquivalentTo(CustomerValuation.Of(folded, Year(2), formula, model));
        }
    }

    [Fact]
    public void a_history_told_in_business_order_is_summed_as_the_whole_history_is()
    {
        ITouchpoint[] history =
        [
            Lead(Day(0)), SignUp(Day(1), acquisitionCost: 50m),
            Purchase(Day(2), 100m, 30m, "rollers", "o-1"), Purchase(Day(2).AddHours(3), 20m, 5m, "movers", "o-2"),
            Refund(Day(3), "o-1", 40m, 12m), Refund(Day(4), "o-9", 5m, 1m), Purchase(Day(5), 70m, 20m, "lifting", "o-9"),
            Refund(Day(6), "o-2", 30m, 5m), SupportCall(Day(7), 15m), Churn(Day(8)), Purchase(Day(9), 10m, 2m, "rollers", "o-3"),
            CancellationRequest(Day(10)), RetentionOffer(Day(10), "of-1", 25m), RetentionAccepted(Day(11), "of-1"),
            Purchase(Day(12), 60m, 18m, "rollers", "o-4"),
            // o-1 (100) refunded 40 then 70, o-9 (70) refunded 5 then 80: errors now, listed by their first refunds.
            Refund(Day(13), "o-1", 70m, 20m), Refund(Day(14), "o-9", 80m, 20m),
        ];

        var stored = StoredAfterEach(history)!;

        ShouldAnswerAsTheHistory(stored, history);
        stored.DataErrors().ShouldBe(["refunds of order o-1 exceed its amount", "refunds of order o-9 exceed its amount", "refunds of order o-2 exceed its amount"]);
    }

    [Fact]
    public void purchases_back_dated_to_the_first_day_before_it_or_to_the_day_before_the_last_still_count_as_occasions()
    {
        ITouchpoint[] history =
        [
            SignUp(Day(0)), Purchase(Day(10), 100m, 30m), Purchase(Day(20), 50m, 10m), Purchase(Day(30), 80m, 20m),
            Purchase(Day(20).AddHours(5), 7m, 1m), Purchase(Day(10).AddHours(1), 3m, 1m), Purchase(Day(5), 9m, 2m),
            Purchase(Day(3), 11m, 2m), Purchase(Day(30).AddHours(2), 1m, 0m),
        ];

        var stored = StoredAfterEach(history)!;
        ShouldAnswerAsTheHistory(stored, history);
        // As of the day before the last purchase day (a purchase dated minutes ahead, past midnight UTC): the days but the last.
        PurchaseOutlook.HistoryOf(stored, Day(29)).ShouldBe(PurchaseOutlook.HistoryOf(FoldedLedger.Of("c-1", history), Day(29)));
    }

    [Fact]
    public void a_purchase_back_dated_between_the_first_day_and_the_day_before_the_last_is_placed_once_told_whether_its_day_held_one()
    {
        ITouchpoint[] history =
        [
            SignUp(Day(0)), Purchase(Day(10), 100m, 30m), Purchase(Day(20), 50m, 10m), Purchase(Day(30), 80m, 20m), Purchase(Day(40), 5m, 1m),
            // Day 15 bought on for the first time; day 20 again; then day 15 again.
            Purchase(Day(15), 7m, 2m), Purchase(Day(20).AddHours(3), 4m, 1m), Purchase(Day(15).AddHours(1), 2m, 0m),
        ];

        var stored = StoredAfterEach(history, tellingPurchaseDays: true)!;

        ShouldAnswerAsTheHistory(stored, history);
        // Days 10 (100), 15 (7 + 2), 20 (50 + 4), 30 (80), 40 (5): five days, the three between the first and the last 9 + 54 + 80.
        stored.Occasions().ShouldBe(new PurchaseOccasions(DayOf(10), DayOf(40), 5, 143m, 5m));
        (stored.Summary.Occasions!.FirstDay, stored.Summary.Occasions.PreviousDay, stored.Summary.Occasions.PreviousDaySum).ShouldBe((100m, DayOf(30), 80m));
        // Told through the days kept beside the ledger, as the checkpoints tell it: the same.
        var days = new HashSet<DateOnly>();
        CustomerLedger? moved = FoldedLedger.Empty("c-1").AsStored();
        foreach (var touchpoint in history)
        {
            moved = ValuationFold.TryRecord(moved!, touchpoint, days);
            if (touchpoint is PurchaseMade p) days.Add(PurchaseOccasions.DayOf(p.OccurredAt));
        }
        JsonSerializer.Serialize(moved!.Summary).ShouldBe(JsonSerializer.Serialize(stored.Summary));
    }

    private static DateOnly DayOf(int day) => DateOnly.FromDateTime(Day(day).UtcDateTime);

    [Fact]
    public void a_purchase_back_dated_while_the_client_was_a_customer_changes_no_state_and_is_counted()
    {
        ITouchpoint[] history = [SignUp(Day(0)), Purchase(Day(10), 100m, 30m), Churn(Day(40)), Purchase(Day(50), 5m, 1m), Purchase(Day(20), 40m, 10m)];

        ShouldAnswerAsTheHistory(StoredAfterEach(history)!, history);
    }

    [Fact]
    public void a_touchpoint_back_dated_past_what_the_summary_keeps_is_left_to_the_stream()
    {
        // A churn before the latest purchase: which purchase wins the client back is in the lines only.
        StoredAfterEach([SignUp(Day(0)), Purchase(Day(10), 1m, 0m), Purchase(Day(20), 1m, 0m), Churn(Day(15))]).ShouldBeNull();
        // A purchase while the client had churned wins it back until the next mark: the marks are in the lines.
        StoredAfterEach([SignUp(Day(0)), Churn(Day(10)), Purchase(Day(30), 1m, 0m), Purchase(Day(20), 1m, 0m)]).ShouldBeNull();
        // A purchase on a day between the first and the day before the last: was the day one already?
        StoredAfterEach([SignUp(Day(0)), Purchase(Day(10), 1m, 0m), Purchase(Day(20), 1m, 0m), Purchase(Day(30), 1m, 0m), Purchase(Day(40), 1m, 0m), Purchase(Day(15), 1m, 0m)])
            .ShouldBeNull();
        // A refund of an order the summary does not know, when nobody says what the order came to.
        var stored = FoldedLedger.Of("c-1", [SignUp(Day(0)), Purchase(Day(1), 10m, 3m, orderId: "o-1")]);
        stored.AsStored().TryRecord(Refund(Day(2), "o-1", 1m, 0m)).ShouldBeNull();
    }

    [Fact]
    public void a_folded_ledger_is_written_as_the_ledger_it_is_read_back_as()
    {
        var ledger = FoldedLedger.Of("c-1", [SignUp(Day(0)), Purchase(Day(1), 10m, 3m, orderId: "o-1"), Refund(Day(2), "o-1", 4m, 1m), Churn(Day(3))]);

        var written = JsonSerializer.Serialize<object>(ledger);   // as Marten writes a document: by its type at run time

        written.ShouldBe(JsonSerializer.Serialize<object>(ledger.AsStored()));
        written.ShouldNotContain("\"Purchases\"");
        written.ShouldNotContain("\"Marks\"");
    }

    [Fact]
    public void the_summary_of_30000_purchases_takes_no_more_room_than_that_of_30()
    {
        static int Bytes(int purchases)
        {
            var ledger = FoldedLedger.Of("c-1", [SignUp(Day(0)), .. Enumerable.Range(1, purchases).Select(h => (ITouchpoint)Purchase(Day(0).AddHours(h), 10m, 3m))]);
            return JsonSerializer.Serialize<CustomerLedger>(ledger).Length;   // as the projection stores it
        }

        // Only the digits of the counts and sums grow.
        Bytes(30_000).ShouldBeLessThanOrEqualTo(Bytes(30) + 48);
    }
}
