using EventCrm.Relationship.Touchpoints;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Wolverine;
using Wolverine.Marten.Subscriptions;

namespace EventCrm.Host.Retention;

/// <summary>
/// Turns every cancellation request into an assessment message, in event order, through the
/// async daemon (one node at a time, resuming where it stopped). It reads every event rather than
/// filtering on the type, so its progress follows the log even when no cancellation arrives and
/// "is the daemon caught up?" keeps a plain answer.
/// </summary>
public sealed class CancellationSubscription() : BatchSubscription(Name)
{
    public const string Name = "retention-assessments";

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, IMessageBus bus, CancellationToken ct)
    {
        foreach (var e in page.Events)
        {
            if (e.Data is CancellationRequested requested && e.StreamKey is { } customerId)
                await bus.PublishAsync(new AssessCancellation(customerId, requested.TouchpointId), DeliveryTo(e.TenantId));
        }
    }

    /// <summary>
    /// Appends record the customer's database as the event's tenant (Marten's default tenant when
    /// there is one database): the assessment's session then opens where the customer lives.
    /// </summary>
    private static DeliveryOptions? DeliveryTo(string tenantId) =>
        tenantId == StorageConstants.DefaultTenantId ? null : new DeliveryOptions { TenantId = tenantId };
}
