namespace EventCrm.Host.Exports;

/// <summary>
/// One row of an export, read straight from mt_events: the touchpoint id and business time are
/// lifted out of the event body, <see cref="Data"/> is the rest of the body as stored JSON text.
/// </summary>
/// <param name="Database">Which database holds it ("db0", "db1", ...) when the log spans several (<c>Tenancy:Databases</c>),
/// where <paramref name="Sequence"/> is that database's own and its seal is found; null with one database.</param>
public sealed record ExportedEvent(
    long Sequence, string CustomerId, long Version, string Type, string? TouchpointId, string? OccurredAt,
    DateTimeOffset RecordedAt, string? AppendedBy, string? CorrelationId, string? CausationId, string Data, string? Database = null);
