using EventCrm.Host.Audit;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;
using Marten;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Whether every database holds the event log (and, for the audit commands, its seals). Commands
/// that only read check it instead of creating the schema: run against one that was never made (a
/// mistyped name, say), they must neither answer "no mismatch" nor export nothing, nor change a
/// database they were only asked to read.
/// </summary>
public sealed class EventLogCheck(IDocumentStore store, CustomerDatabases databases)
{
    /// <summary>What is missing for the audit, naming the database and schema; null when every database has both tables.</summary>
    public Task<string?> AuditedLogProblemAsync(CancellationToken ct) =>
        ProblemAsync(AuditStorage.TableName, "nothing can be verified there", ct);

    /// <summary>What is missing for reading the log, naming the database and schema; null when every database has it.</summary>
    public Task<string?> LogProblemAsync(string nothingTo, CancellationToken ct) => ProblemAsync(null, nothingTo, ct);

    private async Task<string?> ProblemAsync(string? besideTheLog, string consequence, CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(store);
        foreach (var name in databases.Names)
        {
            await using var connection = await StreamAudit.OpenAsync(await databases.DatabaseIn(name), ct);
            await using var command = new NpgsqlCommand("select to_regclass(@events) is not null and (@beside is null or to_regclass(@beside) is not null)", connection);
            command.Parameters.AddWithValue("events", $"{schema}.mt_events");
            command.Parameters.Add(new NpgsqlParameter<string?>("beside", besideTheLog is null ? null : $"{schema}.{besideTheLog}"));
            if (await command.ExecuteScalarAsync(ct) is not true)
                return $"No event log in schema '{schema}' of database {name}: {consequence}. " +
                       "Check Marten:Schema and the connection string (the service creates the schema when it first starts).";
        }
        return null;
    }
}
