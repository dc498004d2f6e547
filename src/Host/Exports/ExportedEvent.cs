namespace EventCrm.Host.Exports;

/// <summary>
/// One row of an export, read straight from mt_events: the touchpoint id and business time are
/// lifted out of the event body, <see cref="Data"/> is the rest of the body as stored JSON text.
/// </summary>
public sealed record ExportedEvent(
    long Sequence, string CustomerId, long Version, string Type, string? TouchpointId, string? OccurredAt,
    DateTimeOffset RecordedAt, string? AppendedBy, string? CorrelationId, string? CausationId, string Data);
