using EventCrm.Host.Touchpoints;
using Marten;
using Marten.Services;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A session's logger that passes everything to Marten's own, except the failures of a lost race
/// (<see cref="LostRaces.Are"/>): Marten logs every statement of a failed batch at
/// error level, while a lost race is expected and decided again by the caller, which says so itself.
/// </summary>
public sealed class LostRacesNotErrors(IMartenSessionLogger inner) : IMartenSessionLogger
{
    public void LogSuccess(NpgsqlCommand command) => inner.LogSuccess(command);

    public void LogFailure(NpgsqlCommand command, Exception ex)
    {
        if (!LostRaces.Are(ex)) inner.LogFailure(command, ex);
    }

    public void LogSuccess(NpgsqlBatch batch) => inner.LogSuccess(batch);

    public void LogFailure(NpgsqlBatch batch, Exception ex)
    {
        if (!LostRaces.Are(ex)) inner.LogFailure(batch, ex);
    }

    public void LogFailure(Exception ex, string message)
    {
        if (!LostRaces.Are(ex)) inner.LogFailure(ex, message);
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) => inner.RecordSavedChanges(session, commit);

    public void OnBeforeExecute(NpgsqlCommand command) => inner.OnBeforeExecute(command);

    public void OnBeforeExecute(NpgsqlBatch batch) => inner.OnBeforeExecute(batch);
}
