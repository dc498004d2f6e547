using Marten;
using Wolverine;

namespace EventCrm.Host.Retention;

public static class AssessCancellationHandler
{
    public static Task<OutgoingMessages> Handle(AssessCancellation request, IDocumentSession session, RetentionDesk desk, CancellationToken ct) =>
        desk.AssessAsync(session, request, ct);
}

public static class ExpireRetentionOfferHandler
{
    public static Task Handle(ExpireRetentionOffer expiry, IDocumentSession session, RetentionDesk desk, CancellationToken ct) =>
        desk.ExpireAsync(session, expiry, ct);
}
