using EventCrm.Host.Infrastructure;
using Marten;
using Npgsql;

namespace EventCrm.Host.Sharding;

/// <summary>
/// Where a database stands in a deployment that spreads its customers over several databases: one of
/// them (its place in <c>Tenancy:Databases</c>), or none (<see cref="Position"/> null: the
/// <c>ConnectionStrings:EventCrm</c> set beside that list, which such a deployment never reads, as
/// <c>./eventcrm run</c> sets and announces it). <see cref="Listed"/>: the deployment's databases,
/// host, port and name only (no user, no password), so that a refusal can say what to give instead.
/// </summary>
public sealed record CustomerDatabasePlace(int Databases, int? Position, IReadOnlyList<string> Listed)
{
    /// <summary>Tenancy__Databases__0="Host=...;Port=...;Database=...", one a line.</summary>
    public string Variables() => string.Join(Environment.NewLine,
        Listed.Select((database, i) => $"  Tenancy__Databases__{i}=\"{database}\""));
}

/// <summary>
/// A command or a service given one database (<c>ConnectionStrings:EventCrm</c>) cannot tell from the
/// database alone whether it holds the customers: an empty database, or the second of two, looks like a
/// base of its own, and an import there exits 0 while the service reading the deployment's databases
/// never sees it. So a service (or command) over several databases writes each database's place in it,
/// and in the database of <c>ConnectionStrings:EventCrm</c> when that one is set beside them; over one
/// database, a place other than the home database's is refused. A plain single-database base never has
/// a place: it works as before, an empty new database included.
/// </summary>
public sealed class CustomerDatabasePlaces(IDocumentStore store, CustomerDatabases databases, TenancySettings settings, IConfiguration configuration,
    ILogger<CustomerDatabasePlaces> logger)
{
    private string Table => $"{store.Options.Events.DatabaseSchemaName}.customer_database_place";

    /// <summary>Over one database: why customers must not be written there (it is a place of a deployment over several, not its home); null otherwise.</summary>
    public async Task<string?> RefusalOverOneAsync(CancellationToken ct)
    {
        if (settings.Sharded) return null;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        if (await ReadAsync(connection, ct) is not { } place || place.Databases < 2 || place.Position == 0) return null;
        var what = place.Position is { } position
            ? $"This database is database {TenancySettings.TenantIdOf(position)} of the {place.Databases} databases a deployment spreads its customers over ({TenancySettings.Section}): " +
              "over it alone, customers would be written and looked for in the wrong database."
            : $"This database holds none of the customers: it is the ConnectionStrings:EventCrm of a deployment that spreads them over {place.Databases} databases " +
              $"({TenancySettings.Section}) and never reads this one, so what is written here would not be seen by the service.";
        return what + $" Give the {place.Databases} databases instead of ConnectionStrings__EventCrm (with their user and password):" + Environment.NewLine +
               place.Variables() + Environment.NewLine +
               "(docs/scaling.md, \"Commands over several databases\"). Nothing was written. " +
               $"To use this database on its own after all, drop its table {Table}.";
    }

    /// <summary>The deployment's databases as the variables to set, when this one database is the home of several (for the layout's refusal); null otherwise.</summary>
    public async Task<string?> VariablesOverOneAsync(CancellationToken ct)
    {
        if (settings.Sharded) return null;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return await ReadAsync(connection, ct) is { Databases: > 1 } place ? place.Variables() : null;
    }

    /// <summary>Over several databases: writes each one's place, and the place of none in <c>ConnectionStrings:EventCrm</c>'s database when it is another.</summary>
    public async Task RecordAsync(CancellationToken ct)
    {
        if (!settings.Sharded) return;
        var listed = settings.Databases.Select(Described).ToList();
        // First, so that a connection string naming one of the list another way (localhost for 127.0.0.1) ends with that database's own place below.
        if (configuration.GetConnectionString(StoreConfiguration.ConnectionStringName) is { Length: > 0 } single && !listed.Contains(Described(single)))
        {
            try
            {
                await using var connection = new NpgsqlConnection(HostConnections.Prepare(single));
                await connection.OpenAsync(ct);
                await WriteAsync(connection, new CustomerDatabasePlace(listed.Count, null, listed), ct);
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                // The deployment does not need that database: out of reach, it only goes unmarked.
                logger.LogWarning("ConnectionStrings:EventCrm ({Database}) is set beside {Section} but could not be marked as holding none of the customers: {Reason}",
                    Described(single), TenancySettings.Section, e.Message);
            }
        }
        var all = await databases.AllAsync();
        for (var i = 0; i < all.Count; i++)
        {
            await using var connection = all[i].CreateConnection();
            await connection.OpenAsync(ct);
            await WriteAsync(connection, new CustomerDatabasePlace(listed.Count, i, listed), ct);
        }
    }

    private async Task WriteAsync(NpgsqlConnection connection, CustomerDatabasePlace place, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"create schema if not exists {store.Options.Events.DatabaseSchemaName}; " +
            $"create table if not exists {Table} (id int primary key check (id = 1), databases int not null, position int, listed text[] not null); " +
            $"insert into {Table} (id, databases, position, listed) values (1, @databases, @position, @listed) " +
            "on conflict (id) do update set databases = excluded.databases, position = excluded.position, listed = excluded.listed", connection);
        command.Parameters.AddWithValue("databases", place.Databases);
        command.Parameters.AddWithValue("position", (object?)place.Position ?? DBNull.Value);
        command.Parameters.AddWithValue("listed", place.Listed.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<CustomerDatabasePlace?> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("select to_regclass(@table) is not null", connection))
        {
            exists.Parameters.AddWithValue("table", Table);
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return null;
        }
        await using var command = new NpgsqlCommand($"select databases, position, listed from {Table} where id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new CustomerDatabasePlace(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetFieldValue<string[]>(2));
    }

    /// <summary>Host, port and database of a connection string: what tells two databases apart, and nothing secret.</summary>
    public static string Described(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={builder.Host};Port={builder.Port};Database={builder.Database}";
    }
}
