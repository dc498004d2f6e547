using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventCrm.Projections.Audit;
using Shouldly;

namespace EventCrm.Tests.Audit;

/// <summary>
/// The verifier reports every mismatch of a stream, each at its own event: it stopped at the first, so an auditor
/// who found one altered event could not tell whether it was the only one, and a second alteration hid behind the first.
/// A stream of purchases (no personal field), sealed here by hand as docs/audit-and-replays.md gives the hash of a seal
/// made before seals covered provenance: SHA-256 of "type\ndata\nrecording time\nprevious hash", "genesis" before the first.
/// Event v sits at sequence 100 + v, its touchpoint is "t-v".
/// </summary>
public class when_a_stream_holds_several_mismatches
{
    private static readonly DateTimeOffset RecordedAt = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private const string Altered = "the event differs from what was sealed";
    private const string Missing = "a sealed event is missing from the log";

    private static string DataOf(long version, decimal amount) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"amount": {{amount}}, "touchpointId": "t-{{version}}"}""");

    private static AuditRow Purchase(long version, decimal? amount = null, long? sequence = null) =>
        new(sequence ?? 100 + version, "c-1", version, "purchase", DataOf(version, amount ?? 10m * version), RecordedAt.AddMinutes(version));

    /// <summary>The seals of events 1..count, as sealed before any change: each on the hash of the seal before it.</summary>
    private static List<AuditSeal> SealsOf(int count)
    {
        var (seals, previous) = (new List<AuditSeal>(), "genesis");
        for (var version = 1L; version <= count; version++)
        {
            var row = Purchase(version);
            var recordedAt = row.RecordedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "Z";
            var text = $"purchase\n{row.Data}\n{recordedAt}\n{previous}";
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            seals.Add(new AuditSeal(row.Sequence, "c-1", version, previous, new Dictionary<string, string>()));
        }
        return seals;
    }

    private static List<AuditRow> Stream(int count) => Enumerable.Range(1, count).Select(v => Purchase(v)).ToList();

    private static AuditReport Verify(List<AuditRow> rows, List<AuditSeal> seals) =>
        AuditVerification.Verify(rows, seals, sealedThrough: 100 + seals.Count, streamKey: null);

    private static (long Sequence, long Version, string? TouchpointId, string Problem)[] Said(AuditReport report) =>
        report.Mismatches.Select(m => (m.Sequence, m.Version, m.TouchpointId, m.Problem)).ToArray();

    [Fact]
    public void an_intact_stream_has_no_mismatch()
    {
        var report = Verify(Stream(6), SealsOf(6));

        report.Valid.ShouldBeTrue();
        report.Checked.ShouldBe(6);
        report.FirstMismatch.ShouldBeNull();
        report.Mismatches.ShouldBeEmpty();
        report.MismatchCount.ShouldBe(0);
    }

    [Fact]
    public void two_altered_events_are_both_reported_at_their_own_places_and_the_events_between_and_after_are_not()
    {
        var rows = Stream(6);
        rows[1] = Purchase(2, amount: 2000m);
        rows[3] = Purchase(4, amount: 4000m);

        var report = Verify(rows, SealsOf(6));

        report.Valid.ShouldBeFalse();
        // Events 3, 5 and 6 are intact: each is checked on the seal of the event before it, not on the altered event's hash.
        Said(report).ShouldBe([(102, 2, "t-2", Altered), (104, 4, "t-4", Altered)]);
        report.MismatchCount.ShouldBe(2);
        // As before: the first, and the events verified before it (event 1 alone).
        report.FirstMismatch.ShouldBe(report.Mismatches[0]);
        report.Checked.ShouldBe(1);
    }

    [Fact]
    public void an_altered_event_then_a_deleted_one_are_each_reported_at_their_own_place()
    {
        var rows = Stream(6);
        rows[1] = Purchase(2, amount: 2000m);
        rows.RemoveAt(3); // event 4, its seal kept

        var report = Verify(rows, SealsOf(6));

        // Event 5 was sealed on event 4's hash, which its seal keeps: it verifies.
        Said(report).ShouldBe([(102, 2, "t-2", Altered), (104, 4, null, Missing)]);
        report.MismatchCount.ShouldBe(2);
    }

    [Fact]
    public void a_deleted_event_is_reported_once_and_the_altered_one_after_it_too()
    {
        var rows = Stream(6);
        rows.RemoveAt(1); // event 2, its seal kept
        rows[2] = Purchase(4, amount: 4000m);

        Said(Verify(rows, SealsOf(6))).ShouldBe([(102, 2, null, Missing), (104, 4, "t-4", Altered)]);
    }

    [Fact]
    public void the_newest_events_deleted_are_each_reported_after_an_altered_one()
    {
        var rows = Stream(6);
        rows[0] = Purchase(1, amount: 1m);
        rows.RemoveRange(4, 2); // events 5 and 6, their seals kept

        Said(Verify(rows, SealsOf(6))).ShouldBe([(101, 1, "t-1", Altered), (105, 5, null, Missing), (106, 6, null, Missing)]);
    }

    [Fact]
    public void an_event_deleted_with_its_seal_is_said_at_the_event_after_it_and_the_events_after_that_verify()
    {
        var (rows, seals) = (Stream(6), SealsOf(6));
        rows.RemoveAt(2);
        seals.RemoveAt(2); // event 3 and its seal
        rows[3] = Purchase(5, amount: 5000m);

        Said(Verify(rows, seals)).ShouldBe([
            (104, 4, "t-4", "the event differs from what was sealed: the event before it, version 3, is missing, deleted with its seal"),
            (105, 5, "t-5", Altered)]);
    }

    [Fact]
    public void an_event_marked_archived_and_an_altered_one_after_it_are_both_reported()
    {
        var rows = Stream(5);
        rows[1] = Purchase(2) with { IsArchived = true };
        rows[3] = Purchase(4, amount: 4000m);

        Said(Verify(rows, SealsOf(5))).ShouldBe([
            (102, 2, "t-2", "this event is marked archived, which hides it from every reader: the service never archives an event"),
            (104, 4, "t-4", Altered)]);
    }

    [Fact]
    public void an_event_moved_further_on_in_its_stream_is_reported_where_it_now_is_and_the_event_after_its_old_place_verifies()
    {
        var rows = Stream(5);
        rows[2] = Purchase(3) with { Version = 13 }; // its sequence number kept, 103

        // Event 4 was sealed on event 3's sealed hash: nothing of it changed. (Until every mismatch was reported, the chain
        // ran on from event 2 and event 4 was said to differ, "version 3 ... deleted with its seal", which it was not.)
        Said(Verify(rows, SealsOf(5))).ShouldBe([(103, 13, "t-3", "this event was sealed as version 3 of its stream")]);
    }

    [Fact]
    public void a_stream_altered_throughout_lists_its_first_hundred_mismatches_and_counts_them_all()
    {
        // 150 events, every one altered: 150 mismatches, the first 100 listed (versions 1 to 100).
        var rows = Enumerable.Range(1, 150).Select(v => Purchase(v, amount: 1m)).ToList();

        var report = Verify(rows, SealsOf(150));

        report.MismatchCount.ShouldBe(150);
        report.Mismatches.Select(m => m.Version).ShouldBe(Enumerable.Range(1, 100).Select(v => (long)v));
        report.FirstMismatch!.Version.ShouldBe(1);
        report.Checked.ShouldBe(0);
    }
}
