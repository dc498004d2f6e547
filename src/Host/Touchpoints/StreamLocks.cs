using Marten;
using Npgsql;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// The customers' stream rows, locked until the transaction ends by whoever reads a customer's
/// profile to write it (the appenders, the retention desk's steps, an erasure, the profiles'
/// in-place rebuild), so that no profile is written from a read another writer's commit made
/// stale. Always in id order: ordered locking cannot deadlock.
/// </summary>
public static class StreamLocks
{
    /// <summary>Locks the streams of the ids in <c>$1</c>, answering each one's id and version.</summary>
    public static string Sql(string eventSchema) => $"select id, version from {eventSchema}.mt_streams where id = any($1) order by id for update";

    /// <summary>Begins the session's transaction, if it has none yet, and locks these customers' streams in it.</summary>
    public static async Task TakeAsync(IDocumentSession session, string[] customerIds, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(Sql(session.DocumentStore.Options.Events.DatabaseSchemaName), session.Connection);
        command.Parameters.Add(new NpgsqlParameter { Value = customerIds });
        await command.ExecuteNonQueryAsync(ct);
    }
}
