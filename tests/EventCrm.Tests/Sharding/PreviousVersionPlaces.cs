using Npgsql;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// A database's place as the versions before 2026-12-07 (midnight) recorded it, written by SQL as they wrote it:
/// Marten's document <c>CustomerDatabaseLayout</c> (its table, id <c>customer-databases</c>, camelCase JSON) and the
/// table <c>customer_database_place</c> without its <c>layout</c> column. The present record is dropped first.
/// </summary>
public static class PreviousVersionPlaces
{
    public static async Task ForgetTodaysRecordAsync(string database, string schema) =>
        await Sql(database, $"drop table if exists {schema}.customer_database_place");

    /// <summary>The document; <paramref name="json"/> holds its fields after the id, e.g. "\"databases\": 2, \"place\": 1, \"layout\": \"...\"".</summary>
    public static Task DocumentAsync(string database, string schema, string json) => Sql(database,
        $"create table if not exists {schema}.mt_doc_customerdatabaselayout (id varchar not null primary key, data jsonb not null, " +
        "mt_last_modified timestamptz default transaction_timestamp(), mt_version uuid not null default gen_random_uuid(), mt_dotnet_type varchar); " +
        $"delete from {schema}.mt_doc_customerdatabaselayout; " +
        $"insert into {schema}.mt_doc_customerdatabaselayout (id, data, mt_dotnet_type) values ('customer-databases', " +
        $"'{{\"id\": \"customer-databases\", {json}}}', 'EventCrm.Host.Sharding.CustomerDatabaseLayout')");

    /// <summary>The table's row: <paramref name="position"/> null for a database holding none of the customers.</summary>
    public static Task RowAsync(string database, string schema, int databases, int? position, params string[] listed) => Sql(database,
        $"create table {schema}.customer_database_place (id int primary key check (id = 1), databases int not null, position int, listed text[] not null); " +
        $"insert into {schema}.customer_database_place (id, databases, position, listed) values (1, {databases}, {(position is { } p ? p.ToString() : "null")}, " +
        $"array[{string.Join(", ", listed.Select(l => $"'{l}'"))}]::text[])");

    /// <summary>Host, port and database, as both versions list them.</summary>
    public static string Described(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        return $"Host={builder.Host};Port={builder.Port};Database={builder.Database}";
    }

    public static async Task<object?> Sql(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
