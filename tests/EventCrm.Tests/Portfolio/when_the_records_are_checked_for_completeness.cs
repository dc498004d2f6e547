using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// Five records at different stages, distinct names and emails:
///
/// | record | touchpoints | stage | fields it lacks |
/// |---|---|---|---|
/// | P | a lead | prospect | (segment, channel: none due before a signup) |
/// | B | a lead, a purchase | customer, never signed up | segment, channel |
/// | S | a signup without a channel | customer | channel |
/// | C | a signup with all four fields | customer | - |
/// | L | a signup with all four fields, a churn | customer who left | - |
/// </summary>
public sealed class RecordsAtEveryStage() : SchemaHost("eventcrm_records_at_every_stage")
{
    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(new[]
        {
            Lead("P", Jan1, "Pia Prospect", "pia@p.example"),
            Lead("B", Jan1, "Ben Buyer", "ben@b.example"), Purchase("B", Jan1.AddDays(3)),
            Of("signed-up", "S", Jan1, new { name = "Sue Signed", email = "sue@s.example", segment = "smb", acquisitionCost = 0m }),
            SignUp("C", Jan1, "Cy Complete", "cy@c.example"),
            SignUp("L", Jan1, "Lou Left", "lou@l.example"), Churn("L", Jan1.AddDays(30)),
        });
        await Store.CatchUp();
    }
}

/// <summary>
/// A prospect cannot have a segment nor a channel: they come with the signup. The completeness rate listed every
/// prospect as incomplete, records nobody could fix; a record is now asked only for the fields of its stage.
/// </summary>
public class when_the_records_are_checked_for_completeness(RecordsAtEveryStage records) : IClassFixture<RecordsAtEveryStage>
{
    [Fact]
    public async Task a_prospect_needs_a_name_and_an_email_and_a_customer_also_a_segment_and_a_channel()
    {
        var completeness = (await records.Host.GetJson("/api/data-quality"))["analysis"]!["completeness"]!;

        // Incomplete: B (a customer by its purchase, no signup: segment, channel) and S (channel). Complete: P, C, L.
        // 3 of 5 = 0.6.
        completeness["incomplete"]!.AsArray()
            .Select(r => $"{r!["customerId"]!.GetValue<string>()}: {string.Join(", ", r["missingFields"]!.AsArray().Select(f => f!.GetValue<string>()))}")
            .ShouldBe(["B: segment, channel", "S: channel"], ignoreOrder: true);
        completeness["rate"]!.GetValue<decimal>().ShouldBe(0.6m);
    }
}
