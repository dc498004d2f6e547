using System.Security.Cryptography;
using System.Text;
using EventCrm.Projections.Audit;
using Shouldly;

namespace EventCrm.Tests.Audit;

/// <summary>
/// Seals made before 2026-12-05 hold free text verbatim: SHA-256 over the event's type, its data
/// as the events table gave it, its recording time and the previous hash, with no hash of the
/// text kept beside. They still verify, and a change to that text is still found.
/// </summary>
public class when_checking_seals_made_before_free_text_was_hashed
{
    private static readonly DateTimeOffset RecordedAt = new(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);
    // As PostgreSQL's jsonb gives it back: a space after each colon and comma.
    private const string Data = """{"cost": 25.0, "reason": "invoice", "resolved": true, "occurredAt": "2025-03-01T09:00:00+00:00", "touchpointId": "t-1", "durationMinutes": 12}""";

    private static AuditRow Call(string data) => new(41, "c-1", 1, "support-call", data, RecordedAt);

    private static AuditSeal SealedVerbatim() => new(41, "c-1", 1,
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"support-call\n{Data}\n2025-03-01T09:30:00.000000Z\ngenesis"))),
        new Dictionary<string, string>());

    [Fact]
    public void the_text_sealed_verbatim_verifies_as_it_was_sealed() =>
        AuditVerification.Verify([Call(Data)], [SealedVerbatim()], sealedThrough: 41, streamKey: null).Valid.ShouldBeTrue();

    [Fact]
    public void a_change_to_it_is_found() =>
        AuditVerification.Verify([Call(Data.Replace("invoice", "billing dispute"))], [SealedVerbatim()], sealedThrough: 41, streamKey: null)
            .FirstMismatch.ShouldNotBeNull().Problem.ShouldBe("the event differs from what was sealed");
}
