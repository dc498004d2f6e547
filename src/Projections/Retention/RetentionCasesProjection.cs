using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventCrm.Projections.Retention;

/// <summary>
/// Each client's requests to cancel, as decided and ended (<see cref="RetentionCases"/>), kept by the async daemon for the
/// retention desk's report (GET /api/retention/outcomes). Only the retention events are read: a client who never asked to
/// cancel has no document, and a page of purchases costs the projection nothing.
/// </summary>
public partial class RetentionCasesProjection : SingleStreamProjection<RetentionCases, string>
{
    public const string ProjectionName = "RetentionCases";

    public RetentionCasesProjection()
    {
        Name = ProjectionName;
        IncludeType<RetentionOfferMade>();
        IncludeType<RetentionNotOffered>();
        IncludeType<RetentionOfferAccepted>();
        IncludeType<RetentionOfferDeclined>();
        IncludeType<RetentionOfferExpired>();
        IncludeType<CancellationWithdrawn>();
        IncludeType<CustomerChurned>();
    }

    public override RetentionCases? Evolve(RetentionCases? snapshot, string id, IEvent e)
    {
        if (e.Data is not ITouchpoint touchpoint) return snapshot;
        var next = (snapshot ?? RetentionCases.Empty(id)).Record(touchpoint);
        // A client who churned without ever being decided on keeps no document.
        return next.Cases.Count == 0 ? snapshot : next;
    }
}
