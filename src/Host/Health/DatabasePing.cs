using EventCrm.Host.Reliability;
using Marten;
using Npgsql;

namespace EventCrm.Host.Health;

/// <summary>A <c>select 1</c> on every database of the store: what /health and the outage watch ask.</summary>
public static class DatabasePing
{
    /// <summary>How long /health and the outage watch wait for the databases' answers.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Returns when every database answered within <paramref name="patience"/>; throws what the first
    /// one that did not answer threw, or <see cref="DatabaseDidNotAnswerException"/> when none said
    /// anything in time. Npgsql gives a query up seconds after it is cancelled (it asks the server to
    /// cancel it, and waits for that): the caller is answered at once, and the ping ends without it.
    /// </summary>
    public static Task EveryDatabase(IDocumentStore store, TimeSpan patience, CancellationToken ct) =>
        Within(patience, giveUp => EveryDatabase(store, pooled: true, giveUp), ct);

    /// <summary>
    /// The same over connections of their own, outside the service's pool: whether the databases answer
    /// when every pooled connection is in use (<see cref="HealthProbe"/>). Each costs a new session.
    /// </summary>
    public static Task EveryDatabaseOutsideThePool(IDocumentStore store, TimeSpan patience, CancellationToken ct) =>
        Within(patience, giveUp => EveryDatabase(store, pooled: false, giveUp), ct);

    private static Task Within(TimeSpan patience, Func<CancellationToken, Task> pinging, CancellationToken ct, NamedDatabase? database = null) =>
        Within(patience, async giveUp =>
        {
            await pinging(giveUp);
            return true;
        }, ct, database);

    /// <summary>
    /// The answer of a read of the database given up after <paramref name="patience"/>: throws
    /// <see cref="DatabaseDidNotAnswerException"/> (naming the database, when given) when it said nothing in
    /// time; the read is cancelled and ends without its caller. What the pings do, for short reads that must
    /// not wait out a silent database's command timeout (a projection's progress in each database).
    /// </summary>
    public static async Task<T> Within<T>(TimeSpan patience, Func<CancellationToken, Task<T>> asking, CancellationToken ct, NamedDatabase? database = null)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var answer = asking(giveUp.Token);
        // A read given up ends without its caller: its error, when it comes, is observed here.
        _ = answer.ContinueWith(static given => given.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        try
        {
            return await answer.WaitAsync(patience, ct);
        }
        catch (TimeoutException) when (!answer.IsCompleted)
        {
            await giveUp.CancelAsync();
            throw new DatabaseDidNotAnswerException(patience, database);
        }
        catch (TimeoutException) when (answer.IsCompleted)
        {
            // Ended as the patience ran out (a full pool gives up after the connection string's Timeout, 3 s
            // like the patience): its own answer stands, not a bare timeout that says nothing of the cause.
            return await answer;
        }
    }

    /// <summary>The same for one database (the outage watch asks each, to say which of several is out).</summary>
    public static Task OneDatabase(Marten.Storage.IMartenDatabase database, TimeSpan patience, CancellationToken ct, NamedDatabase? named = null) =>
        Within(patience, giveUp => Ping(database, pooled: true, giveUp), ct, named);

    private static async Task EveryDatabase(IDocumentStore store, bool pooled, CancellationToken ct)
    {
        foreach (var database in await store.Storage.AllDatabases()) await Ping(database, pooled, ct);
    }

    private static async Task Ping(Marten.Storage.IMartenDatabase database, bool pooled, CancellationToken ct)
    {
        await using var fromThePool = database.CreateConnection();
        // CloneWith keeps the password, which the pooled connection's string no longer shows.
        await using var connection = pooled ? fromThePool
            : fromThePool.CloneWith(new NpgsqlConnectionStringBuilder(fromThePool.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var ping = connection.CreateCommand();
        ping.CommandText = "select 1";
        await ping.ExecuteScalarAsync(ct);
    }
}
