using EventCrm.Relationship.Touchpoints;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Marten.Subscriptions;

namespace EventCrm.Host.Retention;

/// <summary>
/// Turns every cancellation request into an assessment message, in event order, through the
/// async daemon (one node at a time, resuming where it stopped). The daemon loads only the
/// cancellation requests for it; its progress still moves to the end of every range it is given,
/// cancellations or not, so "is the daemon caught up?" keeps a plain answer. A request recorded as
/// history (<see cref="RequestRecency"/>) publishes nothing: an import of years of history sets no
/// assessment going for requests it settles a few lines later, whenever the daemon reads them.
/// </summary>
public sealed class CancellationSubscription : BatchSubscription
{
    public const string Name = "retention-assessments";

    private readonly IOptions<RetentionOptions> _options;

    public CancellationSubscription(IOptions<RetentionOptions> options) : base(Name)
    {
        _options = options;
        IncludeType<CancellationRequested>();
    }

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, IMessageBus bus, CancellationToken ct)
    {
        var within = _options.Value.RequestsAssessedWithin;
        foreach (var e in page.Events)
        {
            if (e.Data is CancellationRequested requested && e.StreamKey is { } customerId
                && !RequestRecency.IsHistory(requested.OccurredAt, e.Timestamp, within))
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
