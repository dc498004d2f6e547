using System.Text.Json.Nodes;
using EventCrm.Projections.Customers;
using Marten;
using Npgsql;

namespace EventCrm.Tests.EventLog;

/// <summary>
/// Writes events into mt_events and mt_streams directly, in the layout Marten gives them (a
/// sequence number from the store's sequence, the type's name and .NET type, the recording time
/// set, as every writer of ours sets it), with bodies in the shape an older version of the
/// service stored: what a store upgraded from then holds.
/// </summary>
public sealed class OlderShapes(IDocumentStore store)
{
    private readonly string _schema = store.Options.Events.DatabaseSchemaName;

    /// <param name="DotnetType">The .NET type name written in <c>mt_dotnet_type</c>, when not <paramref name="Record"/>'s own (a record since renamed or moved).</param>
    public sealed record Row(string Type, Type Record, string Data, string? AppendedBy = null, string? CorrelationId = null, string? CausationId = null,
        string? DotnetType = null);

    public async Task Append(string streamId, DateTimeOffset recordedAt, params Row[] rows)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        long version;
        await using (var stream = new NpgsqlCommand(
            $"insert into {_schema}.mt_streams (id, version, tenant_id) values (@id, 0, '*DEFAULT*') on conflict (id) do nothing; " +
            $"select version from {_schema}.mt_streams where id = @id for update", connection, transaction))
        {
            stream.Parameters.AddWithValue("id", streamId);
            version = (long)(await stream.ExecuteScalarAsync())!;
        }
        foreach (var row in rows)
        {
            version++;
            var touchpointId = JsonNode.Parse(row.Data)!["touchpointId"]?.GetValue<string>();
            await using var insert = new NpgsqlCommand(
                $"insert into {_schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, correlation_id, causation_id, headers) " +
                $"values (nextval('{_schema}.mt_events_sequence'), @id, @stream, @version, @data::jsonb, @type, @at, '*DEFAULT*', @dotnet, false, @correlation, @causation, @headers::jsonb)",
                connection, transaction);
            insert.Parameters.AddWithValue("id", touchpointId is null ? Guid.NewGuid() : TouchpointEventIds.For(touchpointId));
            insert.Parameters.AddWithValue("stream", streamId);
            insert.Parameters.AddWithValue("version", version);
            insert.Parameters.AddWithValue("data", row.Data);
            insert.Parameters.AddWithValue("type", row.Type);
            insert.Parameters.AddWithValue("at", recordedAt);
            insert.Parameters.AddWithValue("dotnet", row.DotnetType ?? $"{row.Record.FullName}, {row.Record.Assembly.GetName().Name}");
            insert.Parameters.AddWithValue("correlation", (object?)row.CorrelationId ?? DBNull.Value);
            insert.Parameters.AddWithValue("causation", (object?)row.CausationId ?? DBNull.Value);
            insert.Parameters.AddWithValue("headers", row.AppendedBy is null ? DBNull.Value : new JsonObject { ["appended-by"] = row.AppendedBy }.ToJsonString());
            await insert.ExecuteNonQueryAsync();
        }
        await using (var update = new NpgsqlCommand($"update {_schema}.mt_streams set version = @version, timestamp = @at where id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("version", version);
            update.Parameters.AddWithValue("at", recordedAt);
            update.Parameters.AddWithValue("id", streamId);
            await update.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}
