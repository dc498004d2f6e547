using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using Marten;
using EventCrm.Host.Sharding;
using Npgsql;
using NpgsqlTypes;

namespace EventCrm.Host.Exports;

/// <summary>
/// Reads events in global order (mt_events.seq_id) with one streaming query: rows come off the
/// socket as they are consumed, so an export of millions of events holds one row at a time.
/// PostgreSQL splits the body (jsonb) into the lifted fields and the rest, so no event is
/// deserialised into its .NET type here.
/// </summary>
public sealed class EventExportSource(IDocumentStore store, CustomerDatabases databases)
{
    private readonly string _table = $"{store.Options.Events.DatabaseSchemaName}.mt_events";

    /// <summary>
    /// The types a customer stream holds: its touchpoints and the record of an erasure. The types
    /// of the service's own streams (formulas, the portfolio model, demo seeding) and Marten's own
    /// (archived) are never exported, so accepting them would only give an empty export.
    /// </summary>
    public IReadOnlySet<string> KnownTypes { get; } = TouchpointTypes.ByName.Keys.Append(PersonalData.ErasedEventType).ToHashSet();

    /// <summary>Opens what an export reads: its count and its rows from one snapshot (<see cref="EventExportSnapshot"/>).</summary>
    public async Task<EventExportSnapshot> SnapshotAsync(EventExportFilter filter, CancellationToken ct) =>
        await EventExportSnapshot.OpenAsync(this, await databases.AllAsync(), databases.Sharded ? databases.Names : null, filter, ct);

    internal const string Columns = "seq_id, stream_id, version, type, data ->> 'touchpointId', data ->> 'occurredAt', timestamp, " +
        $"headers ->> '{AppendContext.AppendedByHeader}', correlation_id, causation_id, (data - 'touchpointId' - 'occurredAt')::text";

    internal static ExportedEvent Read(NpgsqlDataReader reader, string? database) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), Text(reader, 4), Text(reader, 5),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(6), TimeSpan.Zero), Text(reader, 7), Text(reader, 8), Text(reader, 9),
        reader.GetString(10), database);

    internal NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string columns, EventExportFilter filter, bool ordered)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The service's own streams (formula registry, portfolio model) are not customer history.
        var where = new List<string> { "stream_id is not null", "not starts_with(stream_id, @system)", "not is_archived" };
        command.Parameters.AddWithValue("system", SystemStreams.Prefix);
        if (filter.CustomerId is { } customer) { where.Add("stream_id = @customer"); command.Parameters.AddWithValue("customer", customer); }
        if (filter.Types.Count > 0) { where.Add("type = any(@types)"); command.Parameters.AddWithValue("types", filter.Types.ToArray()); }
        if (filter.From is { } from) { where.Add("timestamp >= @from"); command.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, ToStoredPrecision(from)); }
        if (filter.To is { } to) { where.Add("timestamp < @to"); command.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, ToStoredPrecision(to)); }
        command.CommandText = $"select {columns} from {_table} where {string.Join(" and ", where)}{(ordered ? " order by seq_id" : "")}";
        // An export of millions of events takes minutes: the default 30 s would cut it short.
        command.CommandTimeout = 0;
        return command;
    }

    /// <summary>
    /// A bound up to the next whole microsecond, the precision the database records at: Npgsql
    /// drops a 7th fraction digit, which put an event recorded at .141698 before to=.1416985 out
    /// of the window and after from=.1416985 in it. For microseconds t, t >= x and t >= ceil(x)
    /// agree, and so do t &lt; x and t &lt; ceil(x).
    /// </summary>
    private static DateTime ToStoredPrecision(DateTimeOffset bound)
    {
        var ticks = bound.UtcTicks;
        var partial = ticks % TimeSpan.TicksPerMicrosecond;
        // The last microsecond of year 9999 has no next one: DateTime.MaxValue, later than any event.
        if (partial == 0 || ticks > DateTime.MaxValue.Ticks - TimeSpan.TicksPerMicrosecond) return bound.UtcDateTime;
        return new DateTime(ticks - partial + TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
