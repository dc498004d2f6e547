using JasperFx.Events.Daemon;
using Npgsql;

namespace EventCrm.Host.Infrastructure.Leadership;

/// <summary>
/// The daemon's leadership locks of one database, held as session-level advisory locks by one
/// dedicated PostgreSQL session that stays idle (outside any transaction) between keep-alives.
/// </summary>
/// <remarks>
/// Marten's own lock can only hold transaction-level locks with the lock library this build
/// restores (build/local-feed/README.md). A transaction kept open for as long as a node leads
/// keeps a snapshot, and a snapshot stops vacuum and HOT pruning in the whole database: every
/// updated row then leaves dead versions behind (docs/design.md, "Leadership without a snapshot").
/// An idle session holds no snapshot. The session is its own connection, outside the pool, so
/// that closing it ends the session and PostgreSQL releases whatever it held.
/// </remarks>
public sealed class SessionAdvisoryLock(NpgsqlDataSource dataSource, string databaseName, TimeSpan keepAlive, ILogger logger)
    : IAdvisoryLock
{
    private readonly SemaphoreSlim _sessionInUse = new(1, 1);
    private readonly HashSet<int> _held = [];
    private readonly CancellationTokenSource _disposing = new();
    private NpgsqlConnection? _session;
    private Task? _keepingAlive;

    public bool HasLock(int lockId)
    {
        lock (_held) return _held.Contains(lockId);
    }

    public async Task<bool> TryAttainLockAsync(int lockId, CancellationToken token)
    {
        if (HasLock(lockId)) return true;
        if (!await EnterSession(token)) return false;
        try
        {
            var session = _session ??= await OpenSession(token);
            // Not cancellable on purpose: pg_try_advisory_lock never waits, and a lock granted to a
            // cancelled call would be held by the session without our knowing it.
            if (!await Ask(session, "select pg_try_advisory_lock(@id)", lockId)) return false;
            lock (_held) _held.Add(lockId);
            return true;
        }
        catch (NpgsqlException e)
        {
            await EndSession(e, "while taking the lock");
            throw;
        }
        finally
        {
            _sessionInUse.Release();
        }
    }

    public async Task ReleaseLockAsync(int lockId)
    {
        if (!HasLock(lockId) || !await EnterSession(CancellationToken.None)) return;
        try
        {
            await Ask(_session!, "select pg_advisory_unlock(@id)", lockId);
            lock (_held) _held.Remove(lockId);
        }
        catch (NpgsqlException e)
        {
            await EndSession(e, "while releasing the lock");
        }
        finally
        {
            _sessionInUse.Release();
        }
    }

    /// <summary>Who holds the lock: the PostgreSQL session, its application name and whether it is this node's.</summary>
    public async Task<AdvisoryLockHolder?> FindHolderAsync(int lockId, CancellationToken token)
    {
        await using var connection = await dataSource.OpenConnectionAsync(token);
        await using var command = new NpgsqlCommand(
            "select a.pid, a.application_name, a.client_addr::text, a.backend_start from pg_locks l join pg_stat_activity a on a.pid = l.pid " +
            "where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and l.classid::bigint = ((@id >> 32) & 4294967295) and l.objid::bigint = (@id & 4294967295) " +
            "and l.database = (select oid from pg_database where datname = current_database())", connection);
        command.Parameters.AddWithValue("id", (long)lockId);
        await using var reader = await command.ExecuteReaderAsync(token);
        if (!await reader.ReadAsync(token)) return null;
        var pid = reader.GetInt32(0);
        return new AdvisoryLockHolder(lockId)
        {
            SessionId = pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ApplicationName = reader.IsDBNull(1) ? null : reader.GetString(1),
            ClientAddress = reader.IsDBNull(2) ? null : reader.GetString(2),
            HeldSince = reader.GetFieldValue<DateTimeOffset>(3),
            IsCurrentNode = pid == SessionProcessId
        };
    }

    /// <summary>The backend process id of the session holding this node's locks, when one is open.</summary>
    public int? SessionProcessId => _session is { State: System.Data.ConnectionState.Open } session ? session.ProcessID : null;

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return;
        await _disposing.CancelAsync();
        if (_keepingAlive is not null) await _keepingAlive;
        await _sessionInUse.WaitAsync();
        try
        {
            // Closing a session outside the pool ends it, and that frees its locks; unlocking first frees them even if the close lingers.
            if (_session is not null) await Quietly(() => Run(_session, "select pg_advisory_unlock_all()", CancellationToken.None));
            await CloseSession();
        }
        finally
        {
            _sessionInUse.Release();
        }
        _disposing.Dispose();
    }

    private async Task<bool> EnterSession(CancellationToken token)
    {
        if (_disposing.IsCancellationRequested) return false;
        await _sessionInUse.WaitAsync(token);
        if (!_disposing.IsCancellationRequested) return true;
        _sessionInUse.Release();
        return false;
    }

    private async Task<NpgsqlConnection> OpenSession(CancellationToken token)
    {
        await using var template = dataSource.CreateConnection();
        // CloneWith keeps the data source's credentials while leaving the pool out.
        var settings = new NpgsqlConnectionStringBuilder(template.ConnectionString) { Pooling = false };
        var session = template.CloneWith(settings.ConnectionString);
        await session.OpenAsync(token);
        _keepingAlive ??= KeepAlive();
        return session;
    }

    /// <summary>
    /// A lost session means lost locks: PostgreSQL released them, or will when it notices, and
    /// another node may take them. Checking on the same rhythm as the coordinator's polling lets
    /// <see cref="HasLock"/> answer false soon enough for the coordinator to stop the agents.
    /// </summary>
    private async Task KeepAlive()
    {
        using var timer = new PeriodicTimer(keepAlive);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposing.Token))
            {
                await _sessionInUse.WaitAsync(_disposing.Token);
                try
                {
                    if (_session is not null) await Run(_session, "select 1", _disposing.Token);
                }
                catch (Exception e) when (!_disposing.IsCancellationRequested)
                {
                    // Whatever broke the keep-alive, the session cannot be trusted to hold the locks any more.
                    await EndSession(e, "on a keep-alive");
                }
                finally
                {
                    _sessionInUse.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
        }
    }

    private async Task EndSession(Exception cause, string when)
    {
        int[] lost;
        lock (_held)
        {
            lost = [.. _held];
            _held.Clear();
        }
        logger.LogWarning(cause, "The leadership session of database {Database} failed {When}; the locks it held ({Locks}) are given up and will be asked for again",
            databaseName, when, lost.Length == 0 ? "none" : string.Join(", ", lost));
        await CloseSession();
    }

    private async Task CloseSession()
    {
        if (_session is null) return;
        await Quietly(async () => await _session.DisposeAsync());
        _session = null;
    }

    private static async Task<bool> Ask(NpgsqlConnection session, string sql, int lockId)
    {
        await using var command = new NpgsqlCommand(sql, session);
        command.Parameters.AddWithValue("id", (long)lockId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Run(NpgsqlConnection session, string sql, CancellationToken token)
    {
        await using var command = new NpgsqlCommand(sql, session);
        await command.ExecuteNonQueryAsync(token);
    }

    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // The session is gone already, and with it its locks.
        }
    }
}
