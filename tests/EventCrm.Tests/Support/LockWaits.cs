using Npgsql;

namespace EventCrm.Tests.Support;

/// <summary>
/// Until the service's writers are seen waiting on a transaction of the test's: a fixed pause
/// before the test moves on was too short on a loaded machine (the scenario then ran without the
/// wait it is about, and passed for nothing) and needlessly long on a quick one.
/// </summary>
public static class LockWaits
{
    /// <summary>Until <paramref name="backends"/> other backends of the database wait for a lock the backend <paramref name="holder"/> holds.</summary>
    public static async Task UntilBlockedBy(int holder, int backends = 1, string? connectionString = null)
    {
        // From a connection of its own: a transaction sees pg_stat_activity as it was at its first look.
        await using var watching = new NpgsqlConnection(connectionString ?? Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await watching.OpenAsync();
        await using var blocked = new NpgsqlCommand("select count(*) from pg_stat_activity where @holder = any(pg_blocking_pids(pid))", watching);
        blocked.Parameters.AddWithValue("holder", holder);
        await Waits.Until(async () => (long)(await blocked.ExecuteScalarAsync())! >= backends);
    }
}
