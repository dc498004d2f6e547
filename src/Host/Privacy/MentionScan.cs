using EventCrm.Relationship.Privacy;
using Marten.Storage;
using Npgsql;
using NpgsqlTypes;

namespace EventCrm.Host.Privacy;

/// <summary>One database's answer to a mentions search: its count of events and customers, and its part of the page.</summary>
public sealed record DatabaseMentions(long Total, long Customers, IReadOnlyList<MentionView> Page);

/// <summary>
/// The mentions search in one database: a read of its whole log (mt_events), as no index holds the personal fields'
/// text. Each personal field (<see cref="PersonalData.FieldsByType"/>) is compared on the event types that declare it
/// only, lower-cased on both sides by the database (the same function, so the same case folding on each side); a value
/// read "[erased]" mentions nobody.
/// </summary>
public static class MentionScan
{
    public static async Task<DatabaseMentions> ReadAsync(IMartenDatabase database, string schema, string text, long skip, int take, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        if (take > 0)
        {
            await using var page = Command(connection, PageSql(schema), text);
            page.Parameters.Add(new NpgsqlParameter { Value = skip, NpgsqlDbType = NpgsqlDbType.Bigint });
            page.Parameters.Add(new NpgsqlParameter { Value = (long)take, NpgsqlDbType = NpgsqlDbType.Bigint });
            var (rows, total, customers) = (new List<MentionView>(), 0L, 0L);
            await using (var reader = await page.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                {
                    rows.Add(new MentionView(reader.GetString(0), "", reader.GetInt64(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4),
                        reader.GetFieldValue<string[]>(5)));
                    (total, customers) = (reader.GetInt64(6), reader.GetInt64(7));
                }
            // No row: none matches, or the page starts past this database's matches, whose count is then read alone.
            if (rows.Count > 0 || skip == 0) return new DatabaseMentions(total, customers, rows);
        }
        await using var count = Command(connection, CountSql(schema), text);
        await using var counted = await count.ExecuteReaderAsync(ct);
        await counted.ReadAsync(ct);
        return new DatabaseMentions(counted.GetInt64(0), counted.GetInt64(1), []);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string text)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = text, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    /// <summary>Each event of a type holding personal fields, with the names of those whose value holds the text ($1).</summary>
    private static string Matches(string schema)
    {
        var types = PersonalData.FieldsByType.Where(t => t.Value.Count > 0).ToList();
        var fields = PersonalData.Fields.Select(field => (Field: field, Types: types.Where(t => t.Value.Contains(field)).Select(t => t.Key).ToList()))
            .Where(f => f.Types.Count > 0);
        var tests = fields.Select(f =>
            $"case when type in ({Quoted(f.Types)}) and data ->> '{f.Field}' <> '{PersonalData.Erased}' " +
            $"and strpos(lower(data ->> '{f.Field}'), lower($1)) > 0 then '{f.Field}' end");
        return $"select stream_id, seq_id, id, version, type, array_remove(array[{string.Join(", ", tests)}]::text[], null) as fields " +
               $"from {schema}.mt_events where type in ({Quoted(types.Select(t => t.Key))})";
    }

    private static string PageSql(string schema) =>
        "select stream_id, seq_id, id, version, type, fields, count(*) over (), max(customer) over () from (" +
        "select *, dense_rank() over (order by stream_id) as customer from (" + Matches(schema) + ") events where cardinality(fields) > 0) found " +
        "order by seq_id offset $2 limit $3";

    private static string CountSql(string schema) =>
        "select count(*), count(distinct stream_id) from (" + Matches(schema) + ") events where cardinality(fields) > 0";

    /// <summary>The registry's own type names (letters and dashes), never a caller's text.</summary>
    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
