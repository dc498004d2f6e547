using Marten;
using Npgsql;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// The customers' stream rows, locked until the transaction ends by whoever reads a customer's
/// profile to write it (the appenders, the retention desk's steps, an erasure, the profiles'
/// in-place rebuild), so that no profile is written from a read another writer's commit made
/// stale. Always in id order: ordered locking cannot deadlock.
/// </summary>
public static class StreamLocks
{
    /// <summary>
    /// How long any writer waits for a customer's stream held by another transaction: the appenders
    /// of POST /api/touchpoints (their transactions carry many requests, and one customer held locked
    /// elsewhere, by a long transaction outside the service, must not stop them all), an erasure, the
    /// desk's steps and the profiles' in-place rebuild (docs/reliability.md). Long enough for another
    /// writer's transaction to commit, short enough to answer promptly.
    /// </summary>
    public static readonly TimeSpan SharedWait = TimeSpan.FromSeconds(2);

    /// <summary>Bounds the lock waits of the statements that follow, until <see cref="UnboundedWait"/> or the transaction ends.</summary>
    public static readonly string BoundedWait = $"set local lock_timeout = '{(int)SharedWait.TotalMilliseconds}ms'";

    /// <summary>Back to the session's lock wait: a write waiting for another writer's commit is bounded by the command timeout only.</summary>
    public const string UnboundedWait = "set local lock_timeout to default";

    /// <summary>Whether the database gave up waiting for a lock (<see cref="BoundedWait"/>).</summary>
    public static bool TimedOut(Exception e) => e is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    /// <summary>
    /// Locks the streams of the ids in <c>$1</c>, answering one row once every lock is held: their ids and
    /// versions, two arrays in id order (<see cref="ReadLockedAsync"/>).
    /// </summary>
    /// <remarks>
    /// Aggregated so that a lock that times out fails the statement before any of its rows is sent.
    /// Npgsql (10.0.3) loses track of the statements of a batch it is auto-preparing when one fails
    /// after sending rows: it takes the statements after it for prepared, and the connection then
    /// fails every batch of that shape with 26000 "prepared statement _autoN does not exist"
    /// (docs/reliability.md, "A lock wait that times out").
    /// </remarks>
    public static string Sql(string eventSchema) =>
        "select coalesce(array_agg(id order by id), '{}'), coalesce(array_agg(version order by id), '{}') " +
        $"from (select id, version from {eventSchema}.mt_streams where id = any($1) order by id for update) locked";

    /// <summary>The ids and versions <see cref="Sql"/> answers, in id order, from its result, the reader's current one.</summary>
    public static async Task<List<(string Id, long Version)>> ReadLockedAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        await reader.ReadAsync(ct);
        var (ids, versions) = (reader.GetFieldValue<string[]>(0), reader.GetFieldValue<long[]>(1));
        return [.. ids.Zip(versions)];
    }

    /// <summary>
    /// Begins the session's transaction, if it has none yet, and locks these customers' streams in it,
    /// waiting for them at most <see cref="SharedWait"/>: past it, <see cref="CustomerBusyException"/>, and
    /// the session's transaction can only be rolled back. The statements after it wait as before.
    /// </summary>
    public static async Task TakeAsync(IDocumentSession session, string[] customerIds, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(session.Connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(BoundedWait),
                new NpgsqlBatchCommand(Sql(session.DocumentStore.Options.Events.DatabaseSchemaName)) { Parameters = { new NpgsqlParameter { Value = customerIds } } },
                new NpgsqlBatchCommand(UnboundedWait),
            },
        };
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (TimedOut(e))
        {
            throw new CustomerBusyException(customerIds, e);
        }
    }
}
