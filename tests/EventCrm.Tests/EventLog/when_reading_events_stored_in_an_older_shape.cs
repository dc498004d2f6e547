using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.EventLog;

public sealed class OlderShapesHost() : ProcessSchemaHost("eventcrm_older_shapes");

/// <summary>
/// Fields added to events over time are absent from the events stored before (docs/events.md,
/// "Shapes already stored"); the service reads those events as they are, never rewritten.
/// </summary>
public class when_reading_events_stored_in_an_older_shape(OlderShapesHost older) : IClassFixture<OlderShapesHost>
{
    private static readonly DateTimeOffset Before = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task a_customer_erased_before_erasures_counted_the_events_kept_reads_in_the_profile_the_timeline_and_the_erasure_route()
    {
        // Erased by key k-1 before 2026-12-05: names masked, no eventsKept, every field listed, and
        // the service's decision on the request under the id it had then (<cancellation id>:assessment).
        var id = Ids.Customer();
        await new OlderShapes(older.Store).Append(id, Before,
            new("signed-up", typeof(SignedUp), """{"name": "[erased]", "email": "[erased]", "channel": "web", "segment": "smb", "occurredAt": "2025-01-01T09:00:00+00:00", "touchpointId": "old-signup", "acquisitionCost": 0}""", "k-1", "r-1", "r-1"),
            new("purchase", typeof(PurchaseMade), """{"amount": 500.00, "margin": 200.00, "orderId": "o-1", "category": "rollers", "occurredAt": "2025-02-01T09:00:00+00:00", "touchpointId": "old-buy"}""", "k-1", "r-2", "r-2"),
            new("cancellation-requested", typeof(CancellationRequested), """{"reason": null, "occurredAt": "2025-06-01T09:00:00+00:00", "touchpointId": "old-ask"}""", "k-1", "r-3", "r-3"),
            new("retention-not-offered", typeof(RetentionNotOffered), """{"rule": "below-minimum (formula retention-ltv@0)", "inputs": {"currentValue": 600, "offerCapShare": 0.2, "historicalProfit": 200, "minimumCurrentValue": 1000, "expectedRemainingMargin": 600}, "reason": "Current value 600.00 is below the 1,000.00 minimum for any retention offer.", "occurredAt": "2025-06-01T09:00:01+00:00", "touchpointId": "old-ask:assessment", "cancellationTouchpointId": "old-ask"}""", "system", "m-1", "old-ask"),
            new("personal-data-erased", typeof(PersonalDataErased), """{"fields": ["name", "email", "source", "reason", "purpose"], "erasedAt": "2026-12-04T15:00:00+00:00", "requestedBy": "k-1", "eventsMasked": 1}""", "k-1", "r-4", "r-4"));
        // The profile is folded again from the events, as after an upgrade (docs/projections.md).
        await older.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(older.Host, "CustomerProfile");

        var profile = await older.Host.GetJson($"/api/customers/{id}");
        profile["name"]!.GetValue<string>().ShouldBe(PersonalData.Erased);
        profile["segment"]!.GetValue<string>().ShouldBe("smb");
        profile["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
        (profile["touchpointCount"]!.GetValue<int>(), profile["version"]!.GetValue<long>()).ShouldBe((4, 5L));
        // The erasure event was folded: it leaves nothing to search, where the masked signup alone would match "[erased]".
        var found = await older.Host.GetJson($"/api/customers?search={Uri.EscapeDataString(PersonalData.Erased)}&pageSize=200");
        found["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).ShouldNotContain(id);

        var timeline = await older.Host.TimelineEntries(id);
        timeline.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["signed-up", "purchase", "cancellation-requested", "retention-not-offered"]);
        timeline[3]!["touchpointId"]!.GetValue<string>().ShouldBe("old-ask:assessment");
        var retention = await older.Host.GetJson($"/api/customers/{id}/retention");
        retention["pending"]!["decision"]!.GetValue<string>().ShouldBe("no-offer");

        // Asked again, the erasure masks what the old one kept: the signup's channel, erased since 2026-12-07 (the old
        // erasure's event, read without its eventsKept, stays as it was; this one is recorded beside it).
        var erasure = await older.Host.PostJson($"/api/customers/{id}/erasure", new { }, 200);
        erasure["result"]!.GetValue<string>().ShouldBe("erased");
        erasure["requestedBy"]!.GetValue<string>().ShouldBe("bootstrap-admin");
        erasure["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["channel"]);
        erasure["eventsMasked"]!.GetValue<int>().ShouldBe(1);   // the signup, whose channel "web" the old erasure left
        (await older.Host.GetJson($"/api/customers/{id}"))["channel"]!.GetValue<string>().ShouldBe(PersonalData.Erased);
    }

    [Fact]
    public async Task a_model_fitted_before_baskets_and_without_provenance_still_values_the_cross_sell_from_single_categories()
    {
        var id = Ids.Customer();
        await older.Host.PostTouchpoints(new[]
        {
            SignUp(id, Jan1), Purchase(id, Jan1.AddDays(10), 300m, 90m, "rollers"), Purchase(id, Jan1.AddDays(20), 200m, 60m, "movers"),
        });
        // Fitted before 2026-12-05: no model.baskets, and no appended-by, correlation or causation.
        await new OlderShapes(older.Store).Append(SystemStreams.PortfolioModel, Before,
            new OlderShapes.Row("portfolio-model-fitted", typeof(PortfolioModelFitted), """
                {"asOf": "2026-12-04T00:00:00+00:00", "model": {"spend": null, "purchases": null, "marginShare": 0.3, "highTierFrom": 0, "categoryShare": {"movers": 0.5, "lifting": 0.2, "rollers": 0.8},
                 "mediumTierFrom": 0, "categoryAffinity": {"movers": {"lifting": 0.5, "rollers": 0.8}, "rollers": {"movers": 0.5, "lifting": 0.25}},
                 "segmentBenchmarks": {}, "annualRetentionRate": 0.75, "segmentCategoryMargin": {"smb": {"movers": 200, "lifting": 80, "rollers": 100}}},
                 "churns": 0, "customers": 10, "repeatBuyers": null, "customerYears": 9.5, "benchmarkFormula": "retention-ltv@0", "spendLogLikelihood": null, "purchaseLogLikelihood": null}
                """));
        older.Host.Services.GetRequiredService<PortfolioModels>().Forget();

        var value = await older.Host.GetJson($"/api/customers/{id}/value");

        // Bought rollers and movers; without baskets P(lifting | bought) is the strongest single
        // association, max(0.25 from rollers, 0.5 from movers) = 0.5, times smb's 80 a year: 40.
        // No benchmark for smb: no gap.
        value["model"]!["fittedAt"]!.GetValue<DateTimeOffset>().ShouldBe(Before);
        value["potential"]!["crossSell"]!.GetValue<decimal>().ShouldBe(40m);
        value["potential"]!["shareOfWalletGap"]!.GetValue<decimal>().ShouldBe(0m);
        value["potential"]!["total"]!.GetValue<decimal>().ShouldBe(40m);
    }

    [Fact]
    public async Task a_churn_stored_before_it_could_name_a_request_reads_as_naming_none_and_is_still_a_repeat_when_sent_again()
    {
        var id = Ids.Customer();
        await older.Host.PostTouchpoints(SignUp(id, Jan1));
        // Stored before 2026-12-06: no cancellationTouchpointId.
        await new OlderShapes(older.Store).Append(id, Before,
            new OlderShapes.Row("churned", typeof(CustomerChurned), """{"reason": "moved away", "occurredAt": "2025-03-01T09:00:00+00:00", "touchpointId": "old-churn"}""", "k-1", "r-1", "r-1"));

        var timeline = await older.Host.TimelineEntries(id);
        timeline[^1]!["type"]!.GetValue<string>().ShouldBe("churned");
        timeline[^1]!["state"]!.GetValue<string>().ShouldBe("churned");
        timeline[^1]!["cancellationTouchpointId"].ShouldBeNull();
        // The same churn sent again, as a sender replaying its outbox sends it, is the same touchpoint: nothing appended.
        var again = await older.Host.PostTouchpoints(Of("churned", id, new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), new { reason = "moved away" }, "old-churn"), 200);
        again["repeated"]!.GetValue<int>().ShouldBe(1);
    }
}
