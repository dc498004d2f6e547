using System.Data;
using System.Runtime.CompilerServices;
using EventCrm.Host.Infrastructure;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Exports;

/// <summary>
/// The events of a filter as one read-only REPEATABLE READ transaction per database sees them: the
/// count (<see cref="CountAsync"/>) and the rows (<see cref="ReadAsync"/>) come from the same snapshot,
/// so the number an export announces is the number it writes, whatever is appended meanwhile (counted
/// in a transaction of its own, the `export` command announced 79,581 events and wrote 79,582).
/// </summary>
public sealed class EventExportSnapshot : IAsyncDisposable
{
    private readonly EventExportSource _source;
    private readonly EventExportFilter _filter;
    private readonly List<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> _databases = [];
    // Each row names its database when there are several: sequence numbers are per database, and so are the seals.
    private readonly IReadOnlyList<string>? _names;

    private EventExportSnapshot(EventExportSource source, EventExportFilter filter, IReadOnlyList<string>? names) =>
        (_source, _filter, _names) = (source, filter, names);

    /// <summary>Whether each row names its database: the log spans several.</summary>
    public bool NamesDatabases => _names is not null;

    /// <param name="names">The databases' names, in the order of <paramref name="databases"/>, to write on each row; null with one database.</param>
    public static async Task<EventExportSnapshot> OpenAsync(EventExportSource source, IEnumerable<IMartenDatabase> databases, IReadOnlyList<string>? names,
        EventExportFilter filter, CancellationToken ct)
    {
        var snapshot = new EventExportSnapshot(source, filter, names);
        try
        {
            foreach (var database in databases)
            {
                var connection = database.CreateConnection();
                try
                {
                    await connection.OpenAsync(ct);
                    snapshot._databases.Add((connection, await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct)));
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }
            }
            return snapshot;
        }
        catch
        {
            await snapshot.DisposeAsync();
            throw;
        }
    }

    /// <summary>How many events <see cref="ReadAsync"/> gives. The first statement of each transaction takes its snapshot.</summary>
    public async Task<long> CountAsync(CancellationToken ct)
    {
        long count = 0;
        foreach (var (connection, transaction) in _databases)
        {
            await using var command = _source.Command(connection, transaction, "count(*)", _filter, ordered: false);
            count += (long)(await command.ExecuteScalarAsync(ct))!;
        }
        return count;
    }

    /// <summary>
    /// One database: its global order. Several: each database in its own order, merged by
    /// recording time (sequences are per database; a customer's events are all in one, so
    /// customerId and version still identify an event).
    /// </summary>
    public async IAsyncEnumerable<ExportedEvent> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var sources = _databases.Select((d, i) => ReadAsync(d.Connection, d.Transaction, _names?[i], ct)).ToList();
        await foreach (var e in SortedMerge.Merge(sources, ByRecordingTime, ct)) yield return e;
    }

    private static readonly IComparer<ExportedEvent> ByRecordingTime = Comparer<ExportedEvent>.Create((a, b) => a.RecordedAt.CompareTo(b.RecordedAt));

    private async IAsyncEnumerable<ExportedEvent> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? database,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = _source.Command(connection, transaction, EventExportSource.Columns, _filter, ordered: true);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return EventExportSource.Read(reader, database);
    }

    /// <summary>Rolls back: the transactions only read.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (connection, transaction) in _databases)
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
        _databases.Clear();
    }
}
