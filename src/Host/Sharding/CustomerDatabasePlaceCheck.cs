using EventCrm.Host.Infrastructure;
using Marten;
using Npgsql;

namespace EventCrm.Host.Sharding;

/// <summary>
/// A customer's database follows from its id, the number of databases and their order, so changing the
/// number (a database added to <c>Tenancy:Databases</c>, or one database turned into several) or the order
/// (two databases listed the other way round) would look for existing customers in the wrong place: their
/// reads 404 and a new signup under the same id opens a second stream. And a command or a service given one
/// database (<c>ConnectionStrings:EventCrm</c>) cannot tell from the database alone whether it holds the
/// customers: an empty database, or the second of two, looks like a base of its own, and an import there exits 0
/// while the service reading the deployment's databases never sees it.
/// <para>
/// So every start records each database's <see cref="CustomerDatabasePlace"/> (and, over several databases, the
/// place of none in <c>ConnectionStrings:EventCrm</c>'s database when that one is set beside them), and refuses:
/// over one database, a database whose place is not a home's; a database listed at another place than recorded,
/// or of another layout; customers written under another number (over databases without customers it takes the
/// new number). The commands check the same before their work (<see cref="RefusalAsync"/>).
/// </para>
/// </summary>
public sealed class CustomerDatabasePlaceCheck(IDocumentStore store, CustomerDatabases databases, TenancySettings settings, CustomerDatabasePlaces places,
    IConfiguration configuration, ILogger<CustomerDatabasePlaceCheck> logger) : IHostedService
{
    // pg_advisory_lock(int, int)'s first key, ours; the second is the schema's hash. Nodes starting at once
    // over databases with no record yet would each draw a layout id and write it over the other's.
    private const int LockClass = 0x4543444C; // "ECDL"

    public async Task StartAsync(CancellationToken ct)
    {
        // Its own type, so that the start stops in one line (StartRefusals) rather than with an unhandled exception's stack trace.
        if (await ProblemAsync(ct) is { } problem) throw new CustomerDatabasesRefusedException(problem);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>For a command that appends or rebuilds, after it has built its host: why it must not run with this configuration, or null.</summary>
    public static Task<string?> RefusalAsync(IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<CustomerDatabasePlaceCheck>().ProblemAsync(ct);

    /// <summary>
    /// For a command that only reads (<c>export</c>, <c>audit-verify</c>, <c>audit-anchor</c>): the same refusal, said as
    /// what it would have read wrong; "customers would be written ... Nothing was written" told of a reading command.
    /// </summary>
    public static Task<string?> ReadingRefusalAsync(IServiceProvider services, string command, CancellationToken ct = default) =>
        services.GetRequiredService<CustomerDatabasePlaceCheck>().ProblemAsync(ct, readBy: command);

    /// <summary>Why the customers cannot be reached with this configuration; null when they can (each database's place is recorded then).</summary>
    /// <param name="readBy">The reading command asking, which the refusal names; null for the service and the commands that write.</param>
    public async Task<string?> ProblemAsync(CancellationToken ct, string? readBy = null)
    {
        var home = await databases.DatabaseIn(databases.HomeTenantId);
        await using var locked = home.CreateConnection();
        await locked.OpenAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(@class, hashtext(@schema))", locked))
        {
            take.Parameters.AddWithValue("class", LockClass);
            take.Parameters.AddWithValue("schema", store.Options.DatabaseSchemaName);
            await take.ExecuteNonQueryAsync(ct);
        }
        try
        {
            return await ProblemUnderLockAsync(readBy, ct);
        }
        finally
        {
            // Pooled, the session outlives the connection: the lock would stay with it.
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(@class, hashtext(@schema))", locked);
            release.Parameters.AddWithValue("class", LockClass);
            release.Parameters.AddWithValue("schema", store.Options.DatabaseSchemaName);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task<string?> ProblemUnderLockAsync(string? readBy, CancellationToken ct)
    {
        var all = await databases.AllAsync();
        var recorded = new List<CustomerDatabasePlace?>();
        var described = new List<string>();
        foreach (var database in all)
        {
            await using var connection = database.CreateConnection();
            described.Add(CustomerDatabasePlaces.Described(connection.ConnectionString));
            await connection.OpenAsync(ct);
            recorded.Add(await places.ReadAsync(connection, ct));
        }

        if (!settings.Sharded && ElsewhereOverOne(recorded[0], readBy) is { } elsewhere) return elsewhere;
        // A record of no place is a database some deployment never reads, listed now: it has no place to keep.
        var placed = recorded.Select(r => r is { HoldsCustomers: true } ? r : null).ToList();
        if (Misplaced(placed, readBy) is { } misplaced) return misplaced;
        if (OfAnotherLayout(placed) is { } foreign) return foreign;
        var configured = databases.TenantIds.Count;
        var written = placed.FirstOrDefault(r => r is not null && r.Databases != configured);
        if (written is not null && await AnyCustomerAsync(ct))
            return (settings.Sharded ? $"{TenancySettings.Section} gives {configured} databases" : "One database is configured (ConnectionStrings:EventCrm)") +
                   $", but the customers of this event log were written over {written.Databases}: " +
                   "a customer's database follows from that number, so " +
                   (readBy is null ? "existing customers would be looked for in the wrong one. " : ReadingRefusals.OverAnotherNumber(readBy, configured)) +
                   $"Start with the {written.Databases} database(s) they were written to, in the same order (docs/scaling.md, \"Adding a database\")" +
                   (!settings.Sharded && written is { Databases: > 1, Listed.Count: > 0 } ? ":" + Environment.NewLine + written.Variables() : ".");

        var layout = placed.FirstOrDefault(r => r?.Layout is not null)?.Layout ?? Guid.NewGuid().ToString("N");
        var listed = settings.Sharded ? settings.Databases.Select(CustomerDatabasePlaces.Described).ToList() : described;
        // Marked, it may be one of the list named another way (localhost for 127.0.0.1): then every place is written again below.
        var markedBeside = settings.Sharded && await MarkTheOneBesideAsync(listed, layout, ct);
        for (var place = 0; place < configured; place++)
        {
            var record = new CustomerDatabasePlace(configured, place, layout, listed);
            if (!markedBeside && record.SameAs(recorded[place])) continue;
            await using var connection = all[place].CreateConnection();
            await connection.OpenAsync(ct);
            await places.WriteAsync(connection, record, ct);
        }
        return null;
    }

    /// <summary>Over one database: why customers must not be written there, nor read (it is a place of a deployment over several, not its home); null otherwise.</summary>
    private string? ElsewhereOverOne(CustomerDatabasePlace? place, string? readBy)
    {
        if (place is null || place.Databases < 2 || place.Position == 0 || place.PlaceUnknown) return null;
        var what = place.Position is { } position
            ? $"This database is database {TenancySettings.TenantIdOf(position)} of the {place.Databases} databases a deployment spreads its customers over ({TenancySettings.Section}): " +
              (readBy is null ? "over it alone, customers would be written and looked for in the wrong database." : ReadingRefusals.OnePlaceAlone(readBy, position))
            : $"This database holds none of the customers: it is the ConnectionStrings:EventCrm of a deployment that spreads them over {place.Databases} databases " +
              $"({TenancySettings.Section}) and never reads this one, so " +
              (readBy is null ? "what is written here would not be seen by the service." : ReadingRefusals.NoneOfTheCustomers(readBy));
        return what + $" Give the {place.Databases} databases instead of ConnectionStrings__EventCrm (with their user and password):" + Environment.NewLine +
               place.Variables() + Environment.NewLine +
               $"(docs/scaling.md, \"Commands over several databases\"). {(readBy is null ? "Nothing was written." : ReadingRefusals.NothingRead(readBy))} " +
               $"To use this database on its own after all, drop its table {places.Table} (\"drop table {places.Table};\" in it).";
    }

    /// <summary>
    /// The database of <c>ConnectionStrings:EventCrm</c> set beside the list, when it is another: marked as holding
    /// none of the customers, so that a command given it alone refuses instead of writing where the service never looks.
    /// </summary>
    private async Task<bool> MarkTheOneBesideAsync(IReadOnlyList<string> listed, string layout, CancellationToken ct)
    {
        if (configuration.GetConnectionString(StoreConfiguration.ConnectionStringName) is not { Length: > 0 } single || listed.Contains(CustomerDatabasePlaces.Described(single)))
            return false;
        try
        {
            await using var connection = new NpgsqlConnection(HostConnections.Prepare(single));
            await connection.OpenAsync(ct);
            var none = new CustomerDatabasePlace(listed.Count, null, layout, listed);
            if (none.SameAs(await places.ReadAsync(connection, ct))) return false;
            await places.WriteAsync(connection, none, ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // The deployment does not need that database: out of reach, it only goes unmarked.
            logger.LogWarning("ConnectionStrings:EventCrm ({Database}) is set beside {Section} but could not be marked as holding none of the customers: {Reason}",
                CustomerDatabasePlaces.Described(single), TenancySettings.Section, e.Message);
            return false;
        }
    }

    /// <summary>Databases listed at another place than the one recorded in them, both places named, and the order to list them in.</summary>
    private string? Misplaced(IReadOnlyList<CustomerDatabasePlace?> recorded, string? readBy)
    {
        var moved = recorded.Select((record, place) => (record, place))
            .Where(r => r.record?.Position is { } was && was != r.place).ToList();
        if (moved.Count == 0) return null;
        var each = moved.Select(m => $"{Setting(m.place)} ({Where(m.place)}) is the database recorded as {Recorded(m.record!.Position!.Value)}");
        return $"{string.Join("; ", each)}. A customer's database follows from its place in {TenancySettings.Section}, so " +
               (readBy is null
                   ? "existing customers would be looked for in the wrong database: their reads would answer 404 and a signup under an existing id would open a second stream. "
                   : ReadingRefusals.Misplaced(readBy, moved.Select(m => (Where(m.place), m.place, m.record!.Position!.Value)))) +
               $"List each database at its recorded place ({string.Join(", ", moved.Select(m => $"{Where(m.place)} as {Setting(m.record!.Position!.Value)}"))}) " +
               "and start again (docs/scaling.md, \"The order of the databases\").";
    }

    /// <summary>A database recorded in another layout than the others (another deployment's database, say).</summary>
    private string? OfAnotherLayout(IReadOnlyList<CustomerDatabasePlace?> recorded)
    {
        var layouts = recorded.Select((record, place) => (layout: record?.Layout, place)).Where(r => r.layout is not null).ToList();
        if (layouts.Select(l => l.layout).Distinct().Count() <= 1) return null;
        var first = layouts[0].layout;
        var others = layouts.Where(l => l.layout != first).Select(l => $"{Setting(l.place)} ({Where(l.place)})");
        return $"{string.Join(" and ", others)} belong(s) to another layout of databases than {Setting(layouts[0].place)} ({Where(layouts[0].place)}): " +
               $"the databases of {TenancySettings.Section} were not written together. List the databases this service's customers were written to, " +
               "in their order (docs/scaling.md, \"The order of the databases\").";
    }

    private string Setting(int place) => settings.Sharded ? $"{TenancySettings.Section}:{place}" : "ConnectionStrings:EventCrm";

    private static string Recorded(int place) => $"{TenancySettings.Section}:{place}";

    /// <summary>host:port/database, never the connection string itself (it may hold a password).</summary>
    private string Where(int place)
    {
        if (!settings.Sharded) return "the configured database";
        var connection = new NpgsqlConnectionStringBuilder(settings.Databases[place]);
        return $"{connection.Host}:{connection.Port}/{connection.Database}";
    }

    private async Task<bool> AnyCustomerAsync(CancellationToken ct)
    {
        foreach (var database in await databases.AllAsync())
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                $"select exists (select 1 from {store.Options.Events.DatabaseSchemaName}.mt_streams where id not like 'system:%' and id <> 'mt_tombstone')", connection);
            if ((bool)(await command.ExecuteScalarAsync(ct))!) return true;
        }
        return false;
    }
}
