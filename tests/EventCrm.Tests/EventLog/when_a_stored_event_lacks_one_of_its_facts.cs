using System.Text;
using System.Text.Json;
using Alba;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Reliability;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.EventLog;

public sealed class MissingFactsHost() : ProcessSchemaHost("eventcrm_missing_facts");

/// <summary>
/// A purchase stored without its margin used to read as a purchase with a margin of 0, and the
/// customer's value was worked out from it without a word. A field an event cannot do without is
/// now required when the event is read: the read fails, naming it, and no value is given.
/// </summary>
public class when_a_stored_event_lacks_one_of_its_facts(MissingFactsHost older) : IClassFixture<MissingFactsHost>
{
    private static readonly DateTimeOffset Recorded = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task the_customers_value_is_not_given_and_the_answer_names_the_event_and_the_field()
    {
        var id = Ids.Customer();
        await new OlderShapes(older.Store).Append(id, Recorded,
            new("signed-up", typeof(SignedUp), """{"name": "Ada", "email": "ada@example.com", "channel": "web", "segment": "smb", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "facts-signup", "acquisitionCost": 0}"""),
            new("purchase", typeof(PurchaseMade), """{"amount": 500.00, "orderId": "o-1", "category": "rollers", "occurredAt": "2025-02-01T09:00:00+00:00", "touchpointId": "facts-buy"}"""));

        var problem = await Problem(older.Host.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{id}/value");
            s.StatusCodeShouldBe(500);
        }));

        problem.GetProperty("title").GetString().ShouldBe("A stored event cannot be read");
        var detail = problem.GetProperty("detail").GetString().ShouldNotBeNull();
        detail.ShouldContain("PurchaseMade");
        detail.ShouldContain("'margin'");
    }

    [Fact]
    public void a_request_with_a_body_that_meets_it_is_not_told_its_json_is_bad()
    {
        var unreadable = new StoredEventUnreadableException(typeof(SignedUp), new JsonException("missing required properties including: 'acquisitionCost'."));

        var answer = FaultProblems.Answer(unreadable, requestHasBody: true).ShouldNotBeNull();

        (answer.Status, answer.Title).ShouldBe((500, "A stored event cannot be read"));
    }

    [Fact]
    public void reading_the_event_names_the_missing_field()
    {
        var serializer = older.Store.Options.Serializer();

        var failure = Should.Throw<StoredEventUnreadableException>(() => Read<PurchaseMade>(serializer,
            """{"amount": 500.00, "orderId": "o-1", "category": "rollers", "occurredAt": "2025-02-01T09:00:00+00:00", "touchpointId": "t-1"}"""));

        failure.EventType.ShouldBe(typeof(PurchaseMade));
        failure.Message.ShouldContain("'margin'");
    }

    [Fact]
    public void a_field_that_may_be_unknown_or_has_a_default_still_reads_when_absent()
    {
        var serializer = older.Store.Options.Serializer();

        // Source is nullable: a lead from nowhere in particular.
        Read<LeadCaptured>(serializer, """{"name": "Ada", "email": "ada@example.com", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "t-2"}""")
            .Source.ShouldBeNull();
        // eventsKept came in 2026-12-05 with a default: erasures stored before read as keeping none.
        Read<PersonalDataErased>(serializer, """{"fields": ["name"], "erasedAt": "2026-12-04T15:00:00+00:00", "requestedBy": "k-1", "eventsMasked": 1}""")
            .EventsKept.ShouldBe(0);
    }

    private static T Read<T>(ISerializer serializer, string json) => serializer.FromJson<T>(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static async Task<JsonElement> Problem(Task<IScenarioResult> answer) => await (await answer).ReadAsJsonAsync<JsonElement>();
}
