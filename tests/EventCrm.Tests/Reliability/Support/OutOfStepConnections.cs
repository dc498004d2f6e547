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
    public static async Task LoseTrackOnEveryIdleConnection(IDocumentStore store, int poolSize)
    {
        var held = await PooledConnections.TakeEveryOneAsync(store, poolSize);
        try
        {
            held.ShouldNotBeEmpty();
            foreach (var connection in held)
                for (var use = 1; use <= 3; use++)
                    await FailingMidRows(connection, store.Options.Events.DatabaseSchemaName);
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }
    }

    private static async Task FailingMidRows(NpgsqlConnection connection, string eventSchema)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // Thousands of rows reach the client before the division by zero.
                new NpgsqlBatchCommand("select 1 / (50000 - g) from generate_series(1, 100000) g"),
                new NpgsqlBatchCommand(StreamLocks.UnboundedWait),
                new NpgsqlBatchCommand($"select id from {eventSchema}.mt_events where id = any($1)") { Parameters = { new NpgsqlParameter { Value = Array.Empty<Guid>() } } },
            },
        };
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
