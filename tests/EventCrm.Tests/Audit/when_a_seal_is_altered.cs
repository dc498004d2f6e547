using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventCrm.Projections.Audit;
using Shouldly;

namespace EventCrm.Tests.Audit;

/// <summary>
/// An auditor set one seal's hash to zeros (`update audit_seals set hash = '000…0' where seq_id = 10`) and the verifier
/// blamed two intact events, 10 and 11, each "the event differs from what was sealed". Event 10 still recomputes to the
/// hash seal 11 was chained on, so the seal is what changed: it is reported as the seal, and no event is blamed. The
/// mismatch names its event's touchpoint all the same (the event is intact and in the log): it was null, and
/// `audit-verify` printed "touchpoint ?" as for an event deleted.
/// A stream of purchases sealed here by hand, as docs/audit-and-replays.md gives a seal made before seals covered
/// provenance: SHA-256 of "type\ndata\nrecording time\nprevious hash", "genesis" before the first. Event v sits at
/// sequence 100 + v.
/// </summary>
public class when_a_seal_is_altered
{
    private static readonly DateTimeOffset RecordedAt = new(2025, 4, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly string Zeros = new('0', 64);

    private static AuditRow Purchase(long version, decimal? amount = null) =>
        new(100 + version, "c-7", version, "purchase",
            string.Create(CultureInfo.InvariantCulture, $$"""{"amount": {{amount ?? 5m * version}}, "touchpointId": "t-{{version}}"}"""),
            RecordedAt.AddMinutes(version));

    private static List<AuditSeal> SealsOf(int count)
    {
        var (seals, previous) = (new List<AuditSeal>(), "genesis");
        for (var version = 1L; version <= count; version++)
        {
            var row = Purchase(version);
            var text = $"purchase\n{row.Data}\n{row.RecordedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffff}Z\n{previous}";
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            seals.Add(new AuditSeal(row.Sequence, "c-7", version, previous, new Dictionary<string, string>()));
        }
        return seals;
    }

    private static List<AuditRow> Stream(int count) => Enumerable.Range(1, count).Select(v => Purchase(v)).ToList();

    private static (long Sequence, long Version, string? TouchpointId, string Problem)[] Said(List<AuditRow> rows, List<AuditSeal> seals) =>
        AuditVerification.Verify(rows, seals, sealedThrough: 100 + seals.Count, streamKey: null).Mismatches
            .Select(m => (m.Sequence, m.Version, m.TouchpointId, m.Problem)).ToArray();

    private static string SealAltered(long version) =>
        $"the seal differs from the event it sealed: the seal at sequence {100 + version} (version {version}) holds another hash, " +
        $"while the event recomputes to the hash the next seal, at sequence {101 + version} (version {version + 1}), was chained on: " +
        "the event is intact and this seal was altered in audit_seals";

    [Fact]
    public void a_seal_set_to_zeros_is_reported_as_the_seal_and_neither_its_event_nor_the_next_one_is_blamed()
    {
        var seals = SealsOf(6);
        seals[2] = seals[2] with { Hash = Zeros };

        var report = AuditVerification.Verify(Stream(6), seals, sealedThrough: 106, streamKey: null);

        report.Valid.ShouldBeFalse();
        report.Mismatches.Select(m => (m.Sequence, m.Version, m.TouchpointId, m.Problem)).ShouldBe([(103, 3, "t-3", SealAltered(3))]);
        report.MismatchCount.ShouldBe(1);
        report.Checked.ShouldBe(2);
    }

    [Fact]
    public void an_altered_seal_and_an_altered_event_after_it_are_each_reported_and_the_events_between_verify()
    {
        var (rows, seals) = (Stream(6), SealsOf(6));
        seals[1] = seals[1] with { Hash = Zeros };
        rows[4] = Purchase(5, amount: 500m);

        Said(rows, seals).ShouldBe([(102, 2, "t-2", SealAltered(2)), (105, 5, "t-5", "the event differs from what was sealed")]);
    }

    [Fact]
    public void the_newest_seal_of_a_stream_altered_reads_as_its_event_altered_since_no_later_seal_tells_them_apart()
    {
        var seals = SealsOf(4);
        seals[3] = seals[3] with { Hash = Zeros };

        Said(Stream(4), seals).ShouldBe([(104, 4, "t-4", "the event differs from what was sealed")]);
    }
}
