using EventCrm.Host.Retention;
using EventCrm.Host.Telemetry;
using EventCrm.Tests.Retention;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Wolverine;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>Offers live six seconds here, so that their scheduled ends run within the scenario.</summary>
public sealed class ExpiringOffersHost() : SchemaHost(SchemaName, ("Retention:OfferLifetime", "00:00:06"))
{
    public const string SchemaName = "eventcrm_metrics_expiry";
}

/// <summary>
/// eventcrm.retention.offers with eventcrm.outcome "expired" (docs/operations.md, "Metrics"): an offer's
/// end counts when it records the expiry, not when it runs. The figures are this Host's meter alone.
/// </summary>
public class when_an_operator_counts_the_offers_that_ran_out(ExpiringOffersHost app) : IClassFixture<ExpiringOffersHost>
{
    [Fact]
    public async Task an_offer_nobody_answered_counts_one_expiry_and_one_that_lapsed_while_the_client_was_back_counts_none()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var openOffers = app.Host.Services.GetRequiredService<OpenOffers>();
        var (alpha, unanswered) = await RetentionClients.AlphaWithAnOffer(app.Host);
        var (bravo, lapsed) = await RetentionClients.AlphaWithAnOffer(app.Host);
        // Bravo leaves, as the desk records, and buys again while its offer runs: its end records nothing.
        await app.Host.PostTouchpoints(Of("churned", bravo, DateTimeOffset.UtcNow, new { reason = "went to a competitor" }));
        await app.Host.PostTouchpoints(Purchase(bravo, DateTimeOffset.UtcNow.AddSeconds(1), amount: 500m, margin: 200m));

        // Both ends have run (within a minute), and Alpha's is counted once its transaction has committed.
        await ScheduledExpiries.UntilHandled(ExpiringOffersHost.SchemaName, unanswered);
        await ScheduledExpiries.UntilHandled(ExpiringOffersHost.SchemaName, lapsed);
        (await app.Host.TimelineEntries(alpha)).Select(e => e!["type"]!.GetValue<string>()).ShouldContain("retention-offer-expired");
        await Waits.Until(() => metrics.Sum("eventcrm.retention.offers", "eventcrm.outcome", "expired") > 0, TimeSpan.FromSeconds(10));
        // The same end delivered again (Wolverine delivers at least once) finds the offer ended: nothing more.
        using (var scope = app.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireRetentionOffer(alpha, unanswered));

        metrics.Sum("eventcrm.retention.offers", "eventcrm.outcome", "expired").ShouldBe(1);
        metrics.Sum("eventcrm.retention.offers", "eventcrm.outcome", "made").ShouldBe(2);
        metrics.Sum("eventcrm.retention.offers").ShouldBe(2 + 1);
        // Alpha churned by its offer's end, Bravo no longer asking to cancel: no offer open.
        (await openOffers.CountAsync(default)).ShouldBe(0);
        metrics.Observe("eventcrm.retention.offers.open").Single().Value.ShouldBe(0);
    }
}
