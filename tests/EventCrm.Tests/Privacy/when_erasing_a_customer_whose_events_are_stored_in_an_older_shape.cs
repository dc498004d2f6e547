using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.EventLog;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

public sealed class ErasureOfOlderShapesHost() : ProcessSchemaHost("eventcrm_erasure_older_shapes");

/// <summary>
/// An erasure overwrites personal values in events stored long before, by older versions of the
/// service, in the shapes of their day (docs/events.md, "Evolving an event"). It must change those
/// values and nothing else, byte for byte: the audit chain seals the rest as it was stored.
/// </summary>
public class when_erasing_a_customer_whose_events_are_stored_in_an_older_shape(ErasureOfOlderShapesHost older)
    : IClassFixture<ErasureOfOlderShapesHost>
{
    private static readonly DateTimeOffset Before = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task only_the_personal_values_change_and_the_audit_chain_still_verifies()
    {
        // A signup stored before its channel existed: what every event stored before a field was
        // added to its record looks like (the record reads it with the field's default, null).
        var id = Ids.Customer();
        await new OlderShapes(older.Store).Append(id, Before,
            new OlderShapes.Row("signed-up", typeof(SignedUp), $$"""{"name": "Ada Lovelace", "email": "ada@example.com", "segment": "smb", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "{{id}}-signup", "acquisitionCost": 120.00}""",
                "k-1", "r-1", "r-1"));
        // The profile is folded from the events, as after an upgrade (docs/projections.md).
        await older.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(older.Host, "CustomerProfile");
        await older.Host.PostTouchpoints(Purchase(id, Jan1.AddDays(40), amount: 250m, margin: 75m));

        var erasure = await older.Host.PostJson($"/api/customers/{id}/erasure", new { }, 200);

        erasure["eventsMasked"]!.GetValue<int>().ShouldBe(1);
        await Waits.Until(async () => (await older.Host.GetJson($"/api/customers/{id}/audit"))["unsealed"]!.GetValue<int>() == 0);
        var audit = await older.Host.GetJson($"/api/customers/{id}/audit");
        audit["firstMismatch"].ShouldBeNull(audit.ToJsonString());
        audit["checked"]!.GetValue<int>().ShouldBe(3, "the signup, the purchase and the erasure");
        audit["valid"]!.GetValue<bool>().ShouldBeTrue();
        // The name and email read "[erased]"; no field was added (a "channel": null written by
        // today's record would change what the seal covers).
        (await StoredSignup(id)).ShouldBe(await AsJsonb(
            $$"""{"name": "[erased]", "email": "[erased]", "segment": "smb", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "{{id}}-signup", "acquisitionCost": 120.00}"""));
    }

    private async Task<string> StoredSignup(string id) =>
        (string)(await Scalar($"select data::text from {older.Schema}.mt_events where stream_id = @p and version = 1", id))!;

    /// <summary>PostgreSQL's own text of a jsonb value: what the events table would hold.</summary>
    private static async Task<string> AsJsonb(string json) => (string)(await Scalar("select @p::jsonb::text", json))!;

    private static async Task<object?> Scalar(string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        return await command.ExecuteScalarAsync();
    }
}
