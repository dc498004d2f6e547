namespace EventCrm.Host.Retention;

/// <summary>A cancellation was requested: assess it (published by the event subscription, once per cancellation).</summary>
public sealed record AssessCancellation(string CustomerId, string CancellationTouchpointId);

/// <summary>Scheduled at an offer's expiry: if nobody answered it by then, it expires and the client churns.</summary>
public sealed record ExpireRetentionOffer(string CustomerId, string OfferId);
