using EventCrm.Host.Touchpoints;
using Marten;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>Pooled connections of a Host on which Npgsql (10.0.3) has lost track of its prepared statements (<c>PreparedStatementsOutOfStep</c>).</summary>
public static class OutOfStepConnections
{
    /// <summary>
    /// Takes every connection of the Host's pool it can, and on each makes Npgsql lose track of the
    /// statements after a stream lock (<see cref="StreamLocks.UnboundedWait"/>, which every writer's lock
    /// batch holds: a post's, a desk step's) the way a lock timeout or a client gone mid-read did: the third
    /// time a batch is sent (when Npgsql prepares it), its first statement fails after sending rows.
    /// </summary>
    public static async Task LoseTrackOnEveryIdleConnection(IDocumentStore store, int poolSize) =>
        await LoseTrackOnEveryIdleConnection(store, poolSize, () =>
        [
            new NpgsqlBatchCommand(StreamLocks.UnboundedWait),
            new NpgsqlBatchCommand($"select id from {store.Options.Events.DatabaseSchemaName}.mt_events where id = any($1)")
                { Parameters = { new NpgsqlParameter { Value = Array.Empty<Guid>() } } },
        ]);

    /// <summary>
    /// The same for the statements given (each time new ones: a batch owns its commands), written as the
    /// service sends them: its parameters numbered (<c>$1</c>) and of the types it binds, for Npgsql to
    /// take them for its own. Answers the server processes of the connections broken, which live as
    /// long as the connections stay in the pool.
    /// </summary>
    public static async Task<int[]> LoseTrackOnEveryIdleConnection(IDocumentStore store, int poolSize, Func<NpgsqlBatchCommand[]> statements)
    {
        var held = await PooledConnections.TakeEveryOneAsync(store, poolSize);
        try
        {
            held.ShouldNotBeEmpty();
            foreach (var connection in held)
                for (var use = 1; use <= 3; use++)
                    await FailingMidRows(connection, statements());
            return held.Select(c => c.ProcessID).ToArray();
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }
    }

    /// <summary>How many of these server processes are still alive: those of connections the pool still keeps (or a caller holds).</summary>
    public static Task<long> StillOpen(IReadOnlyCollection<int> processes) =>
        EventCrm.Tests.DataTools.DataCommandLine.Count(
            $"select count(*) from pg_stat_activity where pid in ({string.Join(", ", processes)})");

    private static async Task FailingMidRows(NpgsqlConnection connection, NpgsqlBatchCommand[] statements)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // Thousands of rows reach the client before the division by zero.
                new NpgsqlBatchCommand("select 1 / (50000 - g) from generate_series(1, 100000) g"),
            },
        };
        foreach (var statement in statements) batch.BatchCommands.Add(statement);
        var failure = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var reader = await batch.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        });
        failure.SqlState.ShouldBe(PostgresErrorCodes.DivisionByZero);
    }
}
