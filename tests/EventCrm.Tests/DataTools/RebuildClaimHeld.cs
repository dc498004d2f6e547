using EventCrm.Host.Rebuilds;
using Npgsql;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The claim another process holds while it rebuilds a projection (RebuildClaims): the same
/// advisory lock, on a session of the test's own. Disposing ends the session without unlocking,
/// as a killed process does: PostgreSQL frees the lock with it.
/// </summary>
public sealed class RebuildClaimHeld : IAsyncDisposable
{
    private readonly NpgsqlConnection _session;

    private RebuildClaimHeld(NpgsqlConnection session) => _session = session;

    public static async Task<RebuildClaimHeld> By(string schema, string projection)
    {
        // Not pooled: a pooled connection would outlive its disposal, and the lock with it.
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DataCommandLine.ConnectionString()) { Pooling = false }.ConnectionString);
        await session.OpenAsync();
        await using var claim = new NpgsqlCommand("select pg_advisory_lock(@key)", session);
        claim.Parameters.AddWithValue("key", RebuildClaims.KeyOf(schema, projection));
        await claim.ExecuteNonQueryAsync();
        return new RebuildClaimHeld(session);
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
