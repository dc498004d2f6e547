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
/// The daemon starts before Wolverine (Marten's hosted services come first), and over a base with
/// requests to assess its first page can come while Wolverine is still starting, when publishing
/// throws (logged as a failed subscription, with its stack trace, before the service listens): a
/// page with something to publish waits for the host to have started.
/// </summary>
public sealed class CancellationSubscription : BatchSubscription
{
    public const string Name = "retention-assessments";

    private readonly IOptions<RetentionOptions> _options;
    private readonly TaskCompletionSource _hostStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger<CancellationSubscription> _logger;

    public CancellationSubscription(IOptions<RetentionOptions> options, IHostApplicationLifetime lifetime, ILogger<CancellationSubscription> logger) : base(Name)
    {
        _options = options;
        _logger = logger;
        lifetime.ApplicationStarted.Register(() => _hostStarted.TrySetResult());
        IncludeType<CancellationRequested>();
    }

    public override async Task ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, IMessageBus bus, CancellationToken ct)
    {
        var within = _options.Value.RequestsAssessedWithin;
        var assessments = page.Events
            .Where(e => e.Data is CancellationRequested requested && e.StreamKey is not null && !RequestRecency.IsHistory(requested.OccurredAt, e.Timestamp, within))
            .Select(e => (Message: new AssessCancellation(e.StreamKey!, ((CancellationRequested)e.Data).TouchpointId), e.TenantId))
            .ToList();
        if (assessments.Count == 0) return;
        if (!_hostStarted.Task.IsCompleted)
        {
            _logger.LogDebug("{Count} cancellation request(s) to assess in {Tenant}: waiting for the host to have started", assessments.Count, page.Events[0].TenantId);
            await _hostStarted.Task.WaitAsync(ct);
        }
        foreach (var (message, tenantId) in assessments) await bus.PublishAsync(message, DeliveryTo(tenantId));
    }

    /// <summary>
    /// Appends record the customer's database as the event's tenant (Marten's default tenant when
    /// there is one database): the assessment's session then opens where the customer lives.
    /// </summary>
    private static DeliveryOptions? DeliveryTo(string tenantId) =>
        tenantId == StorageConstants.DefaultTenantId ? null : new DeliveryOptions { TenantId = tenantId };
}
