using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Projections.Audit;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// Free text (a lead's source, the reason of a call, a cancellation or a churn, a visit's
/// purpose) may say who someone is: an erasure masks it with the name and email, where the audit
/// chain sealed it by its hash. Text sealed verbatim, before 2026-12-05, is kept, or the chain
/// would break.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_erasing_free_text(PrivacyHost privacy)
{
    [Fact]
    public async Task every_free_text_field_is_masked_and_the_chain_still_verifies()
    {
        var person = await privacy.Customer();
        await privacy.Host.PostTouchpoints(new[]
        {
            Of("visit", person.Id, Jan1.AddDays(60), new { cost = 5m, purpose = $"to see {person.Name}" }),
            Of("cancellation-requested", person.Id, Jan1.AddDays(70), new { reason = $"{person.Name} is moving abroad" }),
            Of("churned", person.Id, Jan1.AddDays(80), new { reason = $"{person.Name} moved abroad" }),
        });
        await privacy.Store.CatchUp();

        var answer = await privacy.Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);

        answer["eventsMasked"]!.GetValue<int>().ShouldBe(6, "the lead, the signup, the call, the visit, the cancellation request and the churn");
        answer["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["name", "email", "source", "reason", "purpose", "channel"]);
        await privacy.Store.CatchUp();
        (await PrivacyHost.TablesHolding(person.Name)).ShouldBeEmpty();
        (await PrivacyHost.TablesHolding(person.CallReason)).ShouldBeEmpty();
        var entries = await privacy.Host.TimelineEntries(person.Id);
        entries.Select(e => e!["purpose"] ?? e["reason"] ?? e["source"]).OfType<JsonNode>().Select(v => v.GetValue<string>())
            .ShouldBe(Enumerable.Repeat("[erased]", 5).ToList(), "the lead's source, the call's, the visit's, the cancellation's and the churn's text");
        (await privacy.Host.GetJson($"/api/customers/{person.Id}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task free_text_sealed_verbatim_is_kept_and_the_chain_still_verifies()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();
        await SealVerbatim(person.Id, version: 6);

        var answer = await privacy.Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);

        answer["eventsMasked"]!.GetValue<int>().ShouldBe(2, "the lead and the signup; the call's reason was sealed verbatim");
        answer["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["name", "email", "source", "channel"]);
        answer["eventsKept"]!.GetValue<int>().ShouldBe(1, "the call, whose reason stays");
        var again = await privacy.Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);
        (again["result"]!.GetValue<string>(), again["eventsKept"]!.GetValue<int>()).ShouldBe(("already-erased", 1));
        (await PrivacyHost.TablesHolding(person.Name)).ShouldBeEmpty();
        (await PrivacyHost.TablesHolding(person.CallReason)).ShouldNotBeEmpty();
        await privacy.Store.CatchUp();
        (await privacy.Host.GetJson($"/api/customers/{person.Id}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    /// <summary>
    /// Seals one event again as the sealer did before free text was sealed by its hash: SHA-256
    /// over its type, its data as stored, its recording time and the previous event's hash, with
    /// no hash of the text beside. It must be the stream's last sealed event (none builds on it).
    /// </summary>
    private static async Task SealVerbatim(string customerId, int version)
    {
        await using var connection = await PrivacyHost.Open();
        string type, data, previous;
        DateTimeOffset recordedAt;
        long sequence;
        await using (var read = new NpgsqlCommand(
            $"select e.seq_id, e.type, e.data::text, e.timestamp, p.hash from {PrivacyHost.Schema}.mt_events e " +
            $"join {PrivacyHost.Schema}.{AuditStorage.TableName} p on p.stream_id = e.stream_id and p.version = e.version - 1 " +
            "where e.stream_id = @id and e.version = @version", connection))
        {
            read.Parameters.AddWithValue("id", customerId);
            read.Parameters.AddWithValue("version", version);
            await using var reader = await read.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue();
            (sequence, type, data, recordedAt, previous) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4));
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{type}\n{data}\n{recordedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffff}Z\n{previous}")));
        await PrivacyHost.Execute($"update {PrivacyHost.Schema}.{AuditStorage.TableName} set hash = @hash, personal_hashes = '{{}}', covers_provenance = false where seq_id = @seq",
            ("hash", hash), ("seq", sequence));
    }
}
