using Marten;
using Npgsql;

namespace EventCrm.Host.Sharding;

/// <summary>How many databases the customers were spread over when their events were written (a document of the home database).</summary>
public sealed record CustomerDatabaseLayout(string Id, int Databases)
{
    public const string DocumentId = "customer-databases";
}

/// <summary>
/// A customer's database follows from its id and the number of databases, so changing that number
/// (a database added to <c>Tenancy:Databases</c>, or one database turned into several) would look
/// for existing customers in the wrong place: their reads 404 and a new signup under the same id
/// opens a second stream. The service records the number the first time it starts and refuses to
/// start over customers written under another one; over databases without customers it takes the
/// new number. The commands that append or rebuild (import, seed-demo, rebuild, clv-refit, replay) check the same before
/// writing. Over one database, it also refuses a database that a deployment over several marked as not its home
/// (<see cref="CustomerDatabasePlaces"/>).
/// </summary>
public sealed class CustomerDatabaseLayoutCheck(IDocumentStore store, CustomerDatabases databases, TenancySettings settings, CustomerDatabasePlaces places)
    : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (await ProblemAsync(ct) is { } problem) throw new InvalidOperationException(problem);
    }

    /// <summary>Why the customers cannot be reached with this configuration; null when they can (the number is recorded then).</summary>
    public async Task<string?> ProblemAsync(CancellationToken ct)
    {
        if (await places.RefusalOverOneAsync(ct) is { } elsewhere) return elsewhere;
        if (await LayoutProblemAsync(ct) is { } problem) return problem;
        await places.RecordAsync(ct);
        return null;
    }

    private async Task<string?> LayoutProblemAsync(CancellationToken ct)
    {
        var configured = settings.Sharded ? settings.Databases.Count : 1;
        await using var session = store.LightweightSession();
        var recorded = await session.LoadAsync<CustomerDatabaseLayout>(CustomerDatabaseLayout.DocumentId, ct);
        if (recorded?.Databases == configured) return null;
        if (recorded is not null && await AnyCustomerAsync(ct))
            return (settings.Sharded ? $"{TenancySettings.Section} gives {configured} databases" : "One database is configured (ConnectionStrings:EventCrm)") +
                   $", but the customers of this event log were written over {recorded.Databases}: " +
                   "a customer's database follows from that number, so existing customers would be looked for in the wrong one. " +
                   $"Start with the {recorded.Databases} database(s) they were written to (docs/scaling.md, \"Adding a database\")" +
                   (await places.VariablesOverOneAsync(ct) is { } variables ? ":" + Environment.NewLine + variables : ".");
        session.Store(new CustomerDatabaseLayout(CustomerDatabaseLayout.DocumentId, configured));
        await session.SaveChangesAsync(ct);
        return null;
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
