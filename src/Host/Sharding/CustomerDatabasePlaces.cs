using System.Text.Json;
using Marten;
using Npgsql;

namespace EventCrm.Host.Sharding;

/// <summary>
/// The one reader and writer of <see cref="CustomerDatabasePlace"/>, in any database, a Marten tenant or not
/// (the <c>ConnectionStrings:EventCrm</c> set beside <c>Tenancy:Databases</c> is none): plain SQL on a table of
/// its own, created by its first write.
/// <para>
/// Until 2026-12-07 (midnight) the place was recorded twice: a Marten document <c>CustomerDatabaseLayout</c>
/// (number, place, layout id; written at every start, with one database too) and this table (number, place or
/// none, the list; written by starts over several databases only, without the <c>layout</c> column). A database
/// upgraded from then holds either or both: <see cref="ReadAsync"/> reads them as that version did, and the next
/// start writes the table alone, with its <c>layout</c> column added. The document is never written again nor
/// deleted: a rollback to that version finds it as it left it.
/// </para>
/// </summary>
public sealed class CustomerDatabasePlaces(IDocumentStore store)
{
    public string Table => $"{store.Options.Events.DatabaseSchemaName}.customer_database_place";

    private string LegacyDocuments => $"{store.Options.DatabaseSchemaName}.mt_doc_customerdatabaselayout";

    private const string LegacyDocumentId = "customer-databases";

    /// <summary>The database's record, null when it has none.</summary>
    public async Task<CustomerDatabasePlace?> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var row = await ReadRowAsync(connection, ct);
        // A row with a layout was written by this version; a row of no place only by a start that did not list
        // the database, which refused this database alone ever after, whatever document an earlier use left there.
        // No row: the database was never listed by the version before, or its operator dropped the table to use it
        // alone (as a refusal says to), which a document left behind must not undo.
        if (row is null or { Layout: not null } or { Position: null }) return row;
        if (await ReadLegacyDocumentAsync(connection, ct) is not { } document) return row;
        // The version of both wrote the document at every start and the row at starts over several databases
        // only: the document is the later word. The row's list still names the databases when it counts as many.
        return document with { Listed = row.Databases == document.Databases ? row.Listed : [], CarriedOver = true };
    }

    /// <summary>Writes the database's record over any it had.</summary>
    public async Task WriteAsync(NpgsqlConnection connection, CustomerDatabasePlace place, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"create schema if not exists {store.Options.Events.DatabaseSchemaName}; " +
            $"create table if not exists {Table} (id int primary key check (id = 1), databases int not null, position int, listed text[] not null, layout text); " +
            // A table of the version before 2026-12-07 (midnight) lacks it.
            $"alter table {Table} add column if not exists layout text; " +
            $"insert into {Table} (id, databases, position, listed, layout) values (1, @databases, @position, @listed, @layout) " +
            "on conflict (id) do update set databases = excluded.databases, position = excluded.position, listed = excluded.listed, layout = excluded.layout",
            connection);
        command.Parameters.AddWithValue("databases", place.Databases);
        command.Parameters.AddWithValue("position", (object?)place.Position ?? DBNull.Value);
        command.Parameters.AddWithValue("listed", place.Listed.ToArray());
        command.Parameters.AddWithValue("layout", (object?)place.Layout ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The table's row as JSON, so that a table without the <c>layout</c> column (an earlier version's) reads the same way.</summary>
    private async Task<CustomerDatabasePlace?> ReadRowAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, Table, ct)) return null;
        await using var command = new NpgsqlCommand($"select to_jsonb(p)::text from {Table} p where id = 1", connection);
        if (await command.ExecuteScalarAsync(ct) is not string json) return null;
        var row = JsonDocument.Parse(json).RootElement;
        return new CustomerDatabasePlace(
            row.GetProperty("databases").GetInt32(),
            IntOrNull(row, "position"),
            StringOrNull(row, "layout"),
            row.GetProperty("listed").EnumerateArray().Select(d => d.GetString()!).ToList());
    }

    /// <summary>The document of the versions before 2026-12-07 (midnight): number alone before 2026-12-07, then place and layout too.</summary>
    private async Task<CustomerDatabasePlace?> ReadLegacyDocumentAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, LegacyDocuments, ct)) return null;
        await using var command = new NpgsqlCommand($"select data::text from {LegacyDocuments} where id = @id", connection);
        command.Parameters.AddWithValue("id", LegacyDocumentId);
        if (await command.ExecuteScalarAsync(ct) is not string json) return null;
        var document = JsonDocument.Parse(json).RootElement;
        var place = IntOrNull(document, "place");
        return new CustomerDatabasePlace(document.GetProperty("databases").GetInt32(), place, StringOrNull(document, "layout"), [], PlaceUnknown: place is null);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("select to_regclass(@table) is not null", connection);
        exists.Parameters.AddWithValue("table", table);
        return (bool)(await exists.ExecuteScalarAsync(ct))!;
    }

    private static int? IntOrNull(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static string? StringOrNull(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Host, port and database of a connection string: what tells two databases apart, and nothing secret.</summary>
    public static string Described(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={builder.Host};Port={builder.Port};Database={builder.Database}";
    }
}
