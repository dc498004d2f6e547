using EventCrm.Host.Rebuilds;
using Npgsql;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The claim another process holds while it rebuilds a projection (RebuildClaims): the same
/// advisory lock, on a session of the test's own. Disposing ends the session without unlocking,
/// as a killed process does: PostgreSQL frees the lock with it, once the session's backend has
/// exited, which on a loaded machine is a moment after the connection closes; disposing waits for it.
/// </summary>
public sealed class RebuildClaimHeld : IAsyncDisposable
{
    private readonly NpgsqlConnection _session;
    private readonly int _backend;

    private RebuildClaimHeld(NpgsqlConnection session, int backend) => (_session, _backend) = (session, backend);

    public static async Task<RebuildClaimHeld> By(string schema, string projection)
    {
        // Not pooled: a pooled connection would outlive its disposal, and the lock with it.
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DataCommandLine.ConnectionString()) { Pooling = false }.ConnectionString);
        await session.OpenAsync();
        await using var claim = new NpgsqlCommand("select pg_advisory_lock(@key)", session);
        claim.Parameters.AddWithValue("key", RebuildClaims.KeyOf(schema, projection));
        await claim.ExecuteNonQueryAsync();
        return new RebuildClaimHeld(session, session.ProcessID);
    }

    public async ValueTask DisposeAsync()
    {
        await _session.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await DataCommandLine.Count($"select count(*) from pg_stat_activity where pid = {_backend}") > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The backend {_backend} that held the rebuild claim did not exit within 30 s");
            await Task.Delay(20);
        }
    }
}
