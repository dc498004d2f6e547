using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;
using Marten;
using Npgsql;

namespace EventCrm.Host.Audit;

/// <summary>
/// Whether every database holds an event log and its seals, for the audit commands: run against
/// a schema that was never created (a mistyped name, say), they must not answer "no mismatch".
/// </summary>
public sealed class AuditedLogCheck(IDocumentStore store, CustomerDatabases databases)
{
    /// <summary>What is missing, naming the database and schema; null when every database has both tables.</summary>
    public async Task<string?> ProblemAsync(CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(store);
        foreach (var name in databases.Names)
        {
            await using var connection = await StreamAudit.OpenAsync(await databases.DatabaseIn(name), ct);
            await using var command = new NpgsqlCommand("select to_regclass(@events) is not null and to_regclass(@seals) is not null", connection);
            command.Parameters.AddWithValue("events", $"{schema}.mt_events");
            command.Parameters.AddWithValue("seals", $"{schema}.{AuditStorage.TableName}");
            if (await command.ExecuteScalarAsync(ct) is not true)
                return $"No event log in schema '{schema}' of database {name}: nothing can be verified there. " +
                       "Check Marten:Schema and the connection string (the service creates the schema when it first starts).";
        }
        return null;
    }
}
