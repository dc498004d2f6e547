using Wolverine.Attributes;

namespace EventCrm.Host.Retention;

// Both wait in Wolverine's inbox table under these names (wolverine_incoming_envelopes.message_type),
// an expiry for as long as an offer lasts: pinned, so that renaming or moving a record leaves the
// messages stored by the version before handled by the next (docs/events.md, "Renaming a record").

/// <summary>A cancellation was requested: assess it (published by the event subscription, once per cancellation).</summary>
[MessageIdentity("EventCrm.Host.Retention.AssessCancellation")]
public sealed record AssessCancellation(string CustomerId, string CancellationTouchpointId);

/// <summary>Scheduled at an offer's expiry: if nobody answered it by then, it expires and the client churns.</summary>
[MessageIdentity("EventCrm.Host.Retention.ExpireRetentionOffer")]
public sealed record ExpireRetentionOffer(string CustomerId, string OfferId);
