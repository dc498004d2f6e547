using JasperFx;
using Marten.Exceptions;
using Npgsql;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Failures that mean another writer got there first (a stream or touchpoint id recorded, a
/// version moved), or that the database cancelled this transaction to break a deadlock with
/// another one (touchpoint ids both write, in different orders): deciding again against the new
/// state is the remedy, not an error.
/// </summary>
public static class LostRaces
{
    public static bool Are(Exception e) => e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
        or JasperFx.Events.ExistingStreamIdCollisionException
        || e is MartenCommandException { InnerException: PostgresException inner } && LostRace(inner)
        || e is PostgresException postgres && LostRace(postgres);

    private static bool LostRace(PostgresException e) => e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected
        or QuickAppendVersionMismatch;

    /// <summary>Raised by Marten's quick append (mt_quick_append_events) when the stream moved past the version expected.</summary>
    private const string QuickAppendVersionMismatch = "MT003";
}
