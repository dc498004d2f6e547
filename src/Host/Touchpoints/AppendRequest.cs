using EventCrm.Relationship.Ingestion;
using Marten;

namespace EventCrm.Host.Touchpoints;

/// <summary>Who appends, and the chain of requests the append belongs to: kept on every event for audits.</summary>
public sealed record AppendContext(string AppendedBy, string CorrelationId, string CausationId)
{
    /// <summary>The header naming who appended an event; the audit seals cover it.</summary>
    public const string AppendedByHeader = EventCrm.Projections.Audit.AuditStorage.AppendedByHeader;
    public const string System = "system";

    /// <summary>A command-line run: the service itself appends, and the run is both the conversation and the cause.</summary>
    public static AppendContext OfCommand(string verb)
    {
        var run = $"{verb}-{Guid.NewGuid():N}";
        return new AppendContext(System, run, run);
    }

    /// <summary>Stamps every event the session appends with this context.</summary>
    public void Stamp(IDocumentSession session)
    {
        session.CorrelationId = CorrelationId;
        session.CausationId = CausationId;
        session.SetHeader(AppendedByHeader, AppendedBy);
    }
}

/// <summary>A batch to append all-or-nothing, with who sends it.</summary>
public sealed record AppendRequest(IReadOnlyList<IncomingTouchpoint> Batch, AppendContext Context);
