using Marten;
using Npgsql;

namespace EventCrm.Host.Sharding;

/// <summary>
/// A document of every customer database: how many databases the customers were spread over when their
/// events were written, this database's place among them (its index in <c>Tenancy:Databases</c>, 0 with one
/// database) and the layout it belongs to (an id drawn at the layout's first start). Place and layout are null
/// in a record written before 2026-12-07, which only the home database had.
/// </summary>
public sealed record CustomerDatabaseLayout(string Id, int Databases, int? Place = null, string? Layout = null)
{
    public const string DocumentId = "customer-databases";
}

/// <summary>
/// A customer's database follows from its id, the number of databases and their order, so changing the
/// number (a database added to <c>Tenancy:Databases</c>, or one database turned into several) or the order
/// (two databases listed the other way round) would look for existing customers in the wrong place: their
/// reads 404 and a new signup under the same id opens a second stream. The service records both in every
/// database the first time it starts, and refuses to start when a database is listed at another place than
/// recorded, or over customers written under another number; over databases without customers it takes the
/// new number. The commands check the same before their work (<see cref="RefusalAsync"/>). Over one database, it also
/// refuses a database that a deployment over several marked as not its home (<see cref="CustomerDatabasePlaces"/>).
/// </summary>
public sealed class CustomerDatabaseLayoutCheck(IDocumentStore store, CustomerDatabases databases, TenancySettings settings, CustomerDatabasePlaces places)
    : IHostedService
{
    // pg_advisory_lock(int, int)'s first key, ours; the second is the schema's hash. Nodes starting at once
    // over databases with no record yet would each draw a layout id and write it over the other's.
    private const int LockClass = 0x4543444C; // "ECDL"

    public async Task StartAsync(CancellationToken ct)
    {
        if (await ProblemAsync(ct) is { } problem) throw new InvalidOperationException(problem);
    }

    /// <summary>For a command, after it has built its host: why it must not run with this configuration, or null.</summary>
    public static Task<string?> RefusalAsync(IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<CustomerDatabaseLayoutCheck>().ProblemAsync(ct);

    /// <summary>Why the customers cannot be reached with this configuration; null when they can (the layout is recorded then).</summary>
    public async Task<string?> ProblemAsync(CancellationToken ct)
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
            if (await places.RefusalOverOneAsync(ct) is { } elsewhere) return elsewhere;
            if (await ProblemUnderLockAsync(ct) is { } problem) return problem;
            await places.RecordAsync(ct);
            return null;
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

    private async Task<string?> ProblemUnderLockAsync(CancellationToken ct)
    {
        var configured = databases.TenantIds.Count;
        var recorded = new List<CustomerDatabaseLayout?>();
        foreach (var tenant in databases.TenantIds)
        {
            await using var query = databases.QueryIn(tenant);
            recorded.Add(await query.LoadAsync<CustomerDatabaseLayout>(CustomerDatabaseLayout.DocumentId, ct));
        }

        if (Misplaced(recorded) is { } misplaced) return misplaced;
        if (OfAnotherLayout(recorded) is { } foreign) return foreign;
        var written = recorded.FirstOrDefault(r => r is not null && r.Databases != configured);
        if (written is not null && await AnyCustomerAsync(ct))
            return (settings.Sharded ? $"{TenancySettings.Section} gives {configured} databases" : "One database is configured (ConnectionStrings:EventCrm)") +
                   $", but the customers of this event log were written over {written.Databases}: " +
                   "a customer's database follows from that number, so existing customers would be looked for in the wrong one. " +
                   $"Start with the {written.Databases} database(s) they were written to, in the same order (docs/scaling.md, \"Adding a database\")" +
                   (await places.VariablesOverOneAsync(ct) is { } variables ? ":" + Environment.NewLine + variables : ".");

        var layout = recorded.FirstOrDefault(r => r?.Layout is not null)?.Layout ?? Guid.NewGuid().ToString("N");
        for (var place = 0; place < configured; place++)
        {
            var record = new CustomerDatabaseLayout(CustomerDatabaseLayout.DocumentId, configured, place, layout);
            if (recorded[place] == record) continue;
            await using var session = databases.SessionIn(databases.TenantIds[place]);
            session.Store(record);
            await session.SaveChangesAsync(ct);
        }
        return null;
    }

    /// <summary>Databases listed at another place than the one recorded in them, both places named, and the order to list them in.</summary>
    private string? Misplaced(IReadOnlyList<CustomerDatabaseLayout?> recorded)
    {
        var moved = recorded.Select((record, place) => (record, place))
            .Where(r => r.record?.Place is { } was && was != r.place).ToList();
        if (moved.Count == 0) return null;
        var each = moved.Select(m => $"{Setting(m.place)} ({Where(m.place)}) is the database recorded as {Recorded(m.record!.Place!.Value)}");
        return $"{string.Join("; ", each)}. A customer's database follows from its place in {TenancySettings.Section}, so existing customers " +
               "would be looked for in the wrong database: their reads would answer 404 and a signup under an existing id would open a second stream. " +
               $"List each database at its recorded place ({string.Join(", ", moved.Select(m => $"{Where(m.place)} as {Setting(m.record!.Place!.Value)}"))}) " +
               "and start again (docs/scaling.md, \"The order of the databases\").";
    }

    /// <summary>A database recorded in another layout than the others (another deployment's database, say).</summary>
    private string? OfAnotherLayout(IReadOnlyList<CustomerDatabaseLayout?> recorded)
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

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

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
