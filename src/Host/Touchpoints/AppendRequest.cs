using EventCrm.Relationship.Ingestion;

namespace EventCrm.Host.Touchpoints;

/// <summary>Who appends, and the chain of requests the append belongs to: kept on every event for audits.</summary>
public sealed record AppendContext(string AppendedBy, string CorrelationId, string CausationId)
{
    public const string AppendedByHeader = "appended-by";
}

/// <summary>A batch to append all-or-nothing, with who sends it.</summary>
public sealed record AppendRequest(IReadOnlyList<IncomingTouchpoint> Batch, AppendContext Context);
