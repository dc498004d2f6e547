using System.Text.Json.Nodes;
using EventCrm.Projections.Audit;
using Marten;
using Shouldly;

namespace EventCrm.Tests.EventLog;

/// <summary>
/// docs/events.md is the contract of the event log for the data teams: every type the store
/// registers, with its fields as stored. These scenarios hold it to what the service really writes,
/// so that a type added without its entry, or a field renamed, fails here before any data team's
/// projection reads a name that is no longer there.
/// </summary>
public class when_reading_the_events_as_stored(CatalogHost catalog) : IClassFixture<CatalogHost>
{
    /// <summary>
    /// What changes from one append to the next, compared by field name and JSON kind only: ids and
    /// times of this run, and the figures the service computes (a retention decision's sizes and
    /// inputs, valued as of now; the refit's fitted model). Everything else must equal the example.
    /// </summary>
    private static readonly Dictionary<string, string[]> Varying = new()
    {
        ["retention-offer-made"] = ["touchpointId", "occurredAt", "cancellationTouchpointId", "offerId", "amount", "cost", "expiresAt", "inputs"],
        ["retention-not-offered"] = ["touchpointId", "occurredAt", "cancellationTouchpointId", "reason", "inputs"],
        ["retention-offer-accepted"] = ["touchpointId", "occurredAt", "offerId"],
        ["retention-offer-declined"] = ["touchpointId", "occurredAt", "offerId"],
        ["retention-offer-expired"] = ["touchpointId", "occurredAt", "offerId"],
        ["cancellation-withdrawn"] = ["touchpointId", "occurredAt", "cancellationTouchpointId"],
        ["churned"] = ["touchpointId", "cancellationTouchpointId"],
        ["personal-data-erased"] = ["erasedAt"],
        ["portfolio-model-fitted"] = ["model", "purchaseLogLikelihood", "spendLogLikelihood"],
        ["demo-seeding-started"] = ["end"],
        ["demo-seeding-finished"] = ["at"],
    };

    private const string CatalogHostFile = "tests/EventCrm.Tests/EventLog/CatalogHost.cs";

    private static string[] VaryingIn(string type) =>
        Varying.TryGetValue(type, out var varying) ? varying : CatalogHost.Posted.Contains(type) ? ["touchpointId"] : [];

    [Fact]
    public void every_event_type_the_store_registers_has_an_entry_in_the_catalog_and_every_entry_is_registered()
    {
        var registered = catalog.Store.Options.Events.AllKnownEventTypes()
            .Where(t => t.EventType.Assembly.GetName().Name!.StartsWith("EventCrm", StringComparison.Ordinal))
            // The audit sealer's filter: a type nothing appends, so that the daemon loads no event for it.
            .Where(t => t.EventType != typeof(AuditSealSubscription.NeverAppended))
            .Select(t => t.EventTypeName).ToHashSet();
        var documented = EventCatalog.Examples().Keys.ToHashSet();

        var undocumented = registered.Except(documented).Order(StringComparer.Ordinal).ToList();
        var unregistered = documented.Except(registered).Order(StringComparer.Ordinal).ToList();
        if (undocumented.Count > 0)
            Assert.Fail($"registered with the store, without an entry in docs/events.md: {string.Join(", ", undocumented)}. " +
                        "Add its ### `name` heading and a json example there.");
        if (unregistered.Count > 0)
            Assert.Fail($"in docs/events.md, not registered with the store: {string.Join(", ", unregistered)}.");
    }

    [Fact]
    public async Task every_event_the_service_appends_is_stored_as_the_catalog_shows_it()
    {
        var examples = EventCatalog.Examples();
        var stored = await catalog.AppendOneOfEach(examples);

        // The types missing named first (the test run's summary shows the first lines of a message, each cut at 240 characters).
        var notAppended = examples.Keys.Except(stored.Keys).Order(StringComparer.Ordinal).ToList();
        if (notAppended.Count > 0)
            Assert.Fail($"not appended by the catalog's scenario: {string.Join(", ", notAppended)}. Posted by clients: add it to CatalogHost.Posted " +
                        $"in {CatalogHostFile}; else append it in CatalogHost.AppendOneOfEach there.");
        stored.Keys.Order().ShouldBe(examples.Keys.Order(), "one event of each type in the catalog was appended");
        var differences = examples.SelectMany(example =>
            StoredShape.Differences(example.Value, stored[example.Key].Data, VaryingIn(example.Key).ToHashSet()).Select(d => $"{example.Key}: {d}")).ToList();
        differences.ShouldBeEmpty(string.Join('\n', differences));

        // Every event names who appended it, with the conversation and the cause (docs/audit-and-replays.md).
        foreach (var (type, e) in stored)
        {
            e.AppendedBy.ShouldNotBeNullOrEmpty(type);
            e.CorrelationId.ShouldNotBeNullOrEmpty(type);
            e.CausationId.ShouldNotBeNullOrEmpty(type);
        }
        foreach (var decision in new[] { "retention-offer-made", "retention-not-offered", "retention-offer-expired", "demo-seeding-started" })
            stored[decision].AppendedBy.ShouldBe("system", decision);
        stored["purchase"].AppendedBy.ShouldBe("bootstrap-admin");
    }

    [Fact]
    public void a_field_renamed_or_retyped_in_the_code_no_longer_matches_the_catalog()
    {
        var example = JsonNode.Parse("""{"amount": 250.0, "margin": 75.0, "orderId": "o-1", "category": "rollers", "occurredAt": "2025-03-01T10:15:00+01:00", "touchpointId": "t-1"}""")!.AsObject();
        var renamed = JsonNode.Parse("""{"amount": 250, "margin": 75, "orderId": "o-1", "productCategory": "rollers", "occurredAt": "2025-03-01T10:15:00+01:00", "touchpointId": "t-2"}""");
        var retyped = JsonNode.Parse("""{"amount": "250", "margin": 75, "orderId": "o-1", "category": "rollers", "occurredAt": "2025-03-01T10:15:00+01:00", "touchpointId": "t-2"}""");
        var varying = new HashSet<string> { "touchpointId" };

        StoredShape.Differences(example, renamed, varying).ShouldBe(["category: in the catalog, not stored", "productCategory: stored, not in the catalog"]);
        StoredShape.Differences(example, retyped, varying).ShouldBe(["amount: the catalog shows a number, the store holds a string"]);
    }
}
