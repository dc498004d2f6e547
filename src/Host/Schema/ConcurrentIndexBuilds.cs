using System.Diagnostics;
using Marten;
using Npgsql;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql.Tables;

namespace EventCrm.Host.Schema;

/// <summary>
/// Builds the indexes a new version adds to tables that already exist with <c>CREATE INDEX CONCURRENTLY</c>,
/// before Marten applies the rest of the schema (docs/scaling.md, "Applying them to an existing database"):
/// a plain build stops every append (each rewrites a profile) for about 20 s at a million customers.
/// An index of a table being created stays in Marten's migration, built plainly with its table: a concurrent
/// build waits for every transaction of the database older than it, even on an empty table.
/// </summary>
public static class ConcurrentIndexBuilds
{
    // pg_advisory_lock(int, int)'s first key, ours; the second is the schema's hash, so stores of other schemas never wait.
    private const int LockClass = 0x45434958; // "ECIX"

    /// <summary>In every database of the store. A failure is a warning: Marten's apply then builds the index plainly or reports its error.</summary>
    public static async Task BuildMissingOnExistingTablesAsync(IDocumentStore store, ILogger logger, CancellationToken ct)
    {
        foreach (var database in await store.Storage.AllDatabases())
        {
            (SchemaMigration Migration, string Name)? toList = null;
            try
            {
                toList = await BuildInAsync(database, store.Options.DatabaseSchemaName, logger, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
#pragma warning disable CS0618 // Identifier: the database's name as Marten's own log gives it
                logger.LogWarning(e, "Building the new indexes of {Database} concurrently failed: Marten's schema migration goes on and builds what is missing plainly, blocking writes to its table meanwhile", database.Identifier);
#pragma warning restore CS0618
            }
            // Outside the builds' catch: a failure to write the list is not a failed build, and never keeps the next
            // database's indexes from being built.
            if (toList is var (migration, name)) ListChanges(migration, name, logger);
        }
    }

    private static void ListChanges(SchemaMigration migration, string database, ILogger logger)
    {
        try
        {
            SchemaChanges.Log(migration, database, logger);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Listing the schema changes of {Database} failed: Marten's schema migration goes on and applies them all the same", database);
        }
    }

    /// <summary>Builds what is missing; answers the migration left to Marten's apply, for the log, with the database's name.</summary>
    private static async Task<(SchemaMigration Migration, string Name)> BuildInAsync(IDatabase database, string schema, ILogger logger, CancellationToken ct)
    {
        await using var connection = (NpgsqlConnection)((IDatabase<NpgsqlConnection>)database).CreateConnection();
        await connection.OpenAsync(ct);
        // Another node of the same version starting now waits here, then finds the index built: were it to run
        // Marten's apply meanwhile, it would read our index, invalid while it is built, as drift and rebuild it plainly.
        await TakeLockAsync(connection, schema, ct);
        try
        {
            // Read after the lock, for the same reason.
            var migration = await database.CreateMigrationAsync(ct);
            var invalid = await InvalidIndexesAsync(connection, ct);
            var built = 0;
            foreach (var (table, index) in MissingOnExistingTables(migration, invalid))
            {
                built++;
                if (invalid.Contains(QualifiedName(table, index))) await DropInvalidAsync(connection, table, index, logger, ct);
                logger.LogInformation("Building index {Index} on {Table} concurrently: appends go on meanwhile; it waits for transactions older than it", index.Name, table.Identifier);
                var clock = Stopwatch.StartNew();
                await ExecuteAsync(connection, index.ToCreateSql(table, true), ct);
                logger.LogInformation("Built index {Index} in {Seconds:0.0} s", index.Name, clock.Elapsed.TotalSeconds);
            }
            // Marten's apply, next, says nothing of what it changes: the caller lists it, read again once the
            // indexes above are built (a query of the catalog, milliseconds).
            return (built > 0 ? await database.CreateMigrationAsync(ct) : migration, connection.Database);
        }
        finally
        {
            // Pooled, the session outlives the connection: the lock would stay with it.
            if (connection.State == System.Data.ConnectionState.Open) await ReleaseLockAsync(connection, schema);
        }
    }

    /// <summary>
    /// The indexes missing on tables that exist, or there but invalid (a concurrent build cut short: the planner
    /// ignores it, and Marten's apply would drop it and build it plainly). A valid index whose definition changed
    /// stays Marten's: rebuilding it needs a drop that leaves the queries without it meanwhile. Partitioned
    /// tables stay Marten's too (an index per partition).
    /// </summary>
    public static IEnumerable<(Table Table, IndexDefinition Index)> MissingOnExistingTables(SchemaMigration migration, IReadOnlySet<string> invalid)
    {
        foreach (var delta in migration.Deltas.OfType<TableDelta>())
        {
            if (delta.Difference == SchemaPatchDifference.Create || delta.Actual is not { } actual || delta.Expected.Partitioning is not null) continue;
            foreach (var index in delta.Expected.Indexes)
            {
                if (invalid.Contains(QualifiedName(delta.Expected, index)) || !actual.Indexes.Any(a => a.Name.Equals(index.Name, StringComparison.OrdinalIgnoreCase)))
                    yield return (delta.Expected, index);
            }
        }
    }

    private static string QualifiedName(Table table, IndexDefinition index) => $"{table.Identifier.Schema}.{index.Name}";

    /// <summary>The schema-qualified names of the database's invalid indexes (Weasel reads them, but keeps that to itself).</summary>
    private static async Task<IReadOnlySet<string>> InvalidIndexesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select n.nspname || '.' || c.relname from pg_index i join pg_class c on c.oid = i.indexrelid " +
            "join pg_namespace n on n.oid = c.relnamespace where not i.indisvalid", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        return names;
    }

    private static async Task DropInvalidAsync(NpgsqlConnection connection, Table table, IndexDefinition index, ILogger logger, CancellationToken ct)
    {
        logger.LogInformation("Dropping the invalid index {Index} on {Table} (a concurrent build cut short) to build it again", index.Name, table.Identifier);
        await ExecuteAsync(connection, $"drop index concurrently if exists {QualifiedName(table, index)}", ct);
    }

    private static async Task TakeLockAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        // Polled, never pg_advisory_lock: a statement waiting on the lock holds a snapshot, and the holder's
        // concurrent build waits for every older snapshot of the database: the two would wait on each other.
        await using var trying = new NpgsqlCommand("select pg_try_advisory_lock(@class, hashtext(@schema))", connection);
        trying.Parameters.AddWithValue("class", LockClass);
        trying.Parameters.AddWithValue("schema", schema);
        while (!(bool)(await trying.ExecuteScalarAsync(ct))!) await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
    }

    private static async Task ReleaseLockAsync(NpgsqlConnection connection, string schema)
    {
        await using var releasing = new NpgsqlCommand("select pg_advisory_unlock(@class, hashtext(@schema))", connection);
        releasing.Parameters.AddWithValue("class", LockClass);
        releasing.Parameters.AddWithValue("schema", schema);
        await releasing.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        // Outside any transaction (CONCURRENTLY refuses one), and with no command timeout: the connection
        // string's (30 s) would cut a build short that only slows nobody down.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
