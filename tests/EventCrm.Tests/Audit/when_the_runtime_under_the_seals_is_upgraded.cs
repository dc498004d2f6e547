using System.Security.Cryptography;
using System.Text;
using EventCrm.Projections.Audit;
using Shouldly;

namespace EventCrm.Tests.Audit;

/// <summary>
/// A seal covers the event's stored text as PostgreSQL gives it back, byte for byte, except where
/// a personal value is replaced by its hash: that event is written again as compact JSON by .NET
/// (docs/audit-and-replays.md), with System.Text.Json's default escaping, which the platform does
/// not promise to keep. Seals made under one runtime must verify under the next, so the text is
/// held here to the documented form, written by hand: a .NET or library upgrade that escapes
/// otherwise fails this before it reports every customer with a name as tampered.
/// </summary>
public class when_the_runtime_under_the_seals_is_upgraded
{
    private static readonly byte[] StreamKey = Enumerable.Repeat((byte)7, 32).ToArray();

    [Fact]
    public void an_event_with_personal_values_hashes_to_the_documented_text()
    {
        // As the events table gives it back: a space after each colon and comma, characters as stored.
        const string stored = """{"name": "Zoë Über", "email": "zoe@example.com", "channel": "web", "segment": "pme-é O'Brien & <Partners>", "occurredAt": "2025-01-10T09:00:00+01:00", "touchpointId": "t-1", "acquisitionCost": 120.00}""";
        var row = new AuditRow(41, "c-1", 1, "signed-up", stored, new DateTimeOffset(2025, 1, 10, 8, 0, 0, 500, TimeSpan.Zero),
            AppendedBy: "k-1", CorrelationId: "r+1", CausationId: null);
        var hashes = AuditChain.PersonalHashesOf(row, StreamKey);

        // The channel is free text, sealed by its hash since 2026-12-07 (evening), as the name and email.
        // Compact, members in stored order, numbers as stored; outside ASCII, + < > & ' " and ` as
        // \uXXXX in upper-case hexadecimal.
        var expected = string.Join('\n',
            "signed-up",
            $$"""{"name":"{{Keyed("Zoë Über")}}","email":"{{Keyed("zoe@example.com")}}","channel":"{{Keyed("web")}}","segment":"pme-\u00E9 O\u0027Brien \u0026 \u003CPartners\u003E","occurredAt":"2025-01-10T09:00:00\u002B01:00","touchpointId":"t-1","acquisitionCost":120.00}""",
            "2025-01-10T08:00:00.500000Z",
            "\"k-1\" \"r\\u002B1\" null",
            "genesis");

        AuditChain.Hash(row, AuditChain.Genesis, hashes, StreamKey, coversProvenance: true)
            .ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected))));
    }

    private static string Keyed(string value) => "hmac:" + Convert.ToHexStringLower(HMACSHA256.HashData(StreamKey, Encoding.UTF8.GetBytes(value)));
}
