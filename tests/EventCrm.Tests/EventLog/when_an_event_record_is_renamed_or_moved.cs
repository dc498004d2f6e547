using EventCrm.Host.Demo;
using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Audit;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.EventLog;

public sealed class RenamedRecordsHost() : ProcessSchemaHost("eventcrm_renamed_records");

/// <summary>
/// Stored events are found by their type name (<c>mt_events.type</c>), never by the .NET record
/// that wrote them (<c>mt_dotnet_type</c>): a record renamed or moved to another namespace must
/// not orphan the events already stored, and a type name changed in the code would (our own
/// readers skip a type they do not know, so the values would silently leave those events out).
/// </summary>
public class when_an_event_record_is_renamed_or_moved(RenamedRecordsHost host) : IClassFixture<RenamedRecordsHost>
{
    /// <summary>The names in the stores of every version since each type was added. Never change one: add a type.</summary>
    private static readonly Dictionary<Type, string> StoredSince = new()
    {
        [typeof(LeadCaptured)] = "lead-captured",
        [typeof(SignedUp)] = "signed-up",
        [typeof(PurchaseMade)] = "purchase",
        [typeof(PurchaseRefunded)] = "refund",
        [typeof(SupportCallLogged)] = "support-call",
        [typeof(VisitMade)] = "visit",
        [typeof(PromotionOffered)] = "promotion-offered",
        [typeof(PromotionAccepted)] = "promotion-accepted",
        [typeof(PromotionDeclined)] = "promotion-declined",
        [typeof(CancellationRequested)] = "cancellation-requested",
        [typeof(CancellationWithdrawn)] = "cancellation-withdrawn",
        [typeof(CustomerChurned)] = "churned",
        [typeof(RetentionOfferMade)] = "retention-offer-made",
        [typeof(RetentionNotOffered)] = "retention-not-offered",
        [typeof(RetentionOfferAccepted)] = "retention-offer-accepted",
        [typeof(RetentionOfferDeclined)] = "retention-offer-declined",
        [typeof(RetentionOfferExpired)] = "retention-offer-expired",
        [typeof(PersonalDataErased)] = "personal-data-erased",
        [typeof(FormulaVersionRegistered)] = "formula-version-registered",
        [typeof(FormulaPutInForce)] = "formula-put-in-force",
        [typeof(PortfolioModelFitted)] = "portfolio-model-fitted",
        [typeof(DemoSeedingStarted)] = "demo-seeding-started",
        [typeof(DemoSeedingFinished)] = "demo-seeding-finished",
    };

    private const string ThisFile = "tests/EventCrm.Tests/EventLog/when_an_event_record_is_renamed_or_moved.cs";

    [Fact]
    public void every_event_type_keeps_the_name_it_has_been_stored_under()
    {
        var registered = ((IReadOnlyStoreOptions)new StoreOptions().ConfigureEventCrmStore("eventcrm_names")).Events.AllKnownEventTypes()
            .Where(t => t.EventType.Assembly.GetName().Name!.StartsWith("EventCrm", StringComparison.Ordinal))
            .Where(t => t.EventType != typeof(AuditSealSubscription.NeverAppended))
            .ToDictionary(t => t.EventType, t => t.EventTypeName);

        // A new type is mapped to a name of its own (opts.Events.MapEventType), never left to
        // Marten's default, which derives it from the record's .NET name; then it joins this list.
        // The instruction first: the test run's summary shows only the first lines of a failure's message.
        var problems = registered.Where(t => !StoredSince.ContainsKey(t.Key)).OrderBy(t => t.Value, StringComparer.Ordinal)
            .Select(t => $"{t.Key.Name} is stored as \"{t.Value}\" and is not in StoredSince: a new type joins it, add " +
                         $"[typeof({t.Key.Name})] = \"{t.Value}\" to StoredSince in {ThisFile}")
            .Concat(StoredSince.Where(t => registered.GetValueOrDefault(t.Key) != t.Value).OrderBy(t => t.Value, StringComparer.Ordinal)
                .Select(t => registered.TryGetValue(t.Key, out var now)
                    ? $"{t.Key.Name} has been stored as \"{t.Value}\" and is now registered as \"{now}\": map it back with opts.Events.MapEventType (never rename a stored type: add a new one)"
                    : $"{t.Key.Name} has been stored as \"{t.Value}\" and is no longer registered: its stored events would be skipped by every reader"))
            .ToList();
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public async Task events_stored_by_a_record_of_another_dotnet_name_still_read_by_their_type_name()
    {
        var id = Ids.Customer();
        const string renamed = "EventCrm.Relationship.Touchpoints.Old.PurchaseRecorded, EventCrm.Relationship";
        await new OlderShapes(host.Store).Append(id, new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero),
            new OlderShapes.Row("signed-up", typeof(SignedUp),
                $$"""{"name": "Ada Lovelace", "email": "ada@example.com", "channel": null, "segment": "smb", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "{{id}}-1", "acquisitionCost": 100}""",
                DotnetType: "EventCrm.Relationship.Touchpoints.SignedUpV0, EventCrm.Relationship.Legacy"),
            new OlderShapes.Row("purchase", typeof(PurchaseMade),
                $$"""{"amount": 500.00, "margin": 200.00, "orderId": "o-1", "category": "rollers", "occurredAt": "2025-02-01T09:00:00+00:00", "touchpointId": "{{id}}-2"}""",
                DotnetType: renamed));

        // Marten's own reads (the profile's rebuild, the erasure, the daemon)...
        await using (var session = host.Store.QuerySession())
            (await session.Events.FetchStreamAsync(id)).Select(e => e.Data.GetType()).ShouldBe([typeof(SignedUp), typeof(PurchaseMade)]);
        await host.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(host.Host, "CustomerProfile");
        (await host.Host.GetJson($"/api/customers/{id}"))["touchpointCount"]!.GetValue<int>().ShouldBe(2);
        // ...and the service's own (timeline, values): revenue 500, profit 200 - 100 acquisition.
        (await host.Host.TimelineEntries(id)).Count.ShouldBe(2);
        var historical = (await host.Host.GetJson($"/api/customers/{id}/value?asOf=2025-06-30"))["historical"]!;
        (historical["revenue"]!.GetValue<decimal>(), historical["profit"]!.GetValue<decimal>()).ShouldBe((500m, 100m));
    }
}
