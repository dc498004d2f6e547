using System.Diagnostics;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Load;
using EventCrm.Bench.Runner;
using NpgsqlTypes;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// The write limit: binary COPY of rows shaped like mt_events rows (a ~220-byte JSON payload,
/// ids, stream key, version, type, timestamps) into a plain table without indexes, in one
/// transaction. No event store can append faster on this server.
/// </summary>
public static class CopyWriteBaseline
{
    public const string Name = "copy-write-baseline";

    /// <summary>This run's rate (rows/s), once measured: the import scenario states its floor in seconds with it.</summary>
    public static double? Rate { get; private set; }

    /// <summary>This run's COPY rate into a table shaped like mt_events, indexes and foreign key included (rows/s), once measured.</summary>
    public static double? EventsTableRate { get; private set; }

    public static async Task<IReadOnlyList<Figure>> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var schema = BenchContext.SchemaFor("copy_write");
        await ctx.FreshSchemaAsync(schema, ct);
        await using (var create = ctx.Database.CreateCommand($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.events (
                seq_id bigint, id uuid, stream_id varchar, version bigint, data jsonb, type varchar,
                timestamp timestamptz, tenant_id varchar, mt_dotnet_type varchar, is_archived boolean)
            """))
            await create.ExecuteNonQueryAsync(ct);

        var payloads = Payloads(4096);
        ctx.Log($"payloads: {payloads.Length:N0} distinct touchpoint JSON documents, mean {payloads.Average(p => System.Text.Encoding.UTF8.GetByteCount(p.Json)):N0} bytes");

        await CopyAsync(ctx, schema, payloads, 20_000, ct); // warm-up: connection, WAL segment creation, JIT
        await using (var truncate = ctx.Database.CreateCommand($"TRUNCATE {schema}.events")) await truncate.ExecuteNonQueryAsync(ct);
        await ctx.Statements.ResetAsync(ct);

        var rows = ctx.Sizes.CopyRows;
        var probe = PhaseProbe.Start(ctx);
        var elapsed = await CopyAsync(ctx, schema, payloads, rows, ct);
        await probe.DisposeAsync();
        var rate = rows / elapsed.TotalSeconds;
        ctx.Log($"COPY of {rows:N0} rows in one transaction: {elapsed.TotalSeconds:F2} s, {rate:N0} rows/s");
        Rate = rate;
        var tableCosts = await EventsTableCostAsync(ctx, schema, payloads, rows / 5, ct);
        await ctx.DoneWithSchemaAsync(schema, ct);
        return [new Figure(Name, Math.Round(rate), "rows/s") { Note = $"{rows:N0} rows, binary COPY, one transaction, plain table without indexes" }, .. tableCosts];
    }

    /// <summary>
    /// What Marten's events table costs a writer before any code of ours runs: the same COPY into a
    /// table with mt_events' three unique indexes (sequence, event id, stream and version), then
    /// with its foreign key to the streams table too (checked row by row). Event ids are random,
    /// as ours are (hashes of touchpoint ids); streams come in order, the kindest case for the index.
    /// </summary>
    private static async Task<IReadOnlyList<Figure>> EventsTableCostAsync(BenchContext ctx, string schema, (string Type, string Json)[] payloads,
        int rows, CancellationToken ct)
    {
        const string columns = "seq_id bigint primary key, id uuid unique, stream_id varchar, version bigint, data jsonb, type varchar, " +
                               "timestamp timestamptz, tenant_id varchar, mt_dotnet_type varchar, is_archived boolean, unique (stream_id, version)";
        await using (var create = ctx.Database.CreateCommand($"""
            CREATE TABLE {schema}.streams (id varchar primary key, version bigint);
            INSERT INTO {schema}.streams SELECT id, 36 FROM unnest(@ids) id;
            CREATE TABLE {schema}.indexed ({columns});
            CREATE TABLE {schema}.keyed ({columns}, foreign key (stream_id) references {schema}.streams(id) on delete cascade);
            """))
        {
            create.Parameters.AddWithValue("ids", Enumerable.Range(1, rows / 36 + 1).Select(CustomerBase.IdOf).ToArray());
            await create.ExecuteNonQueryAsync(ct);
        }
        var indexed = rows / (await CopyAsync(ctx, schema, payloads, rows, ct, "indexed", Guid.NewGuid)).TotalSeconds;
        var keyed = rows / (await CopyAsync(ctx, schema, payloads, rows, ct, "keyed", Guid.NewGuid)).TotalSeconds;
        EventsTableRate = keyed;
        ctx.Log($"the events table's own cost, same COPY of {rows:N0} rows: with mt_events' three unique indexes {indexed:N0} rows/s " +
                $"({indexed / Rate!.Value:P0} of the plain table), with its foreign key to the streams as well {keyed:N0} rows/s ({keyed / Rate.Value:P0})");
        return
        [
            new Figure("copy-write-events-indexes", Math.Round(indexed), "rows/s")
                { Against = Name, Note = $"{rows:N0} rows, binary COPY, one transaction, into a table with mt_events' three unique indexes (random event ids)" },
            new Figure("copy-write-events-indexes-fk", Math.Round(keyed), "rows/s")
                { Against = Name, Note = $"the same, with mt_events' foreign key to the streams table as well: the write limit of Marten's events table on this server" },
        ];
    }

    private static async Task<TimeSpan> CopyAsync(BenchContext ctx, string schema, (string Type, string Json)[] payloads, int rows, CancellationToken ct,
        string table = "events", Func<Guid>? eventId = null)
    {
        eventId ??= Guid.CreateVersion7;
        var now = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        await using var conn = await ctx.Database.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var copy = await conn.BeginBinaryImportAsync(
            $"COPY {schema}.{table} (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows; i++)
            {
                var (type, json) = payloads[i % payloads.Length];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync((long)i + 1, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(eventId(), NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(CustomerBase.IdOf(i / 36 + 1), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync((long)(i % 36 + 1), NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(json, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(type, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync("EventCrm.Relationship.Touchpoints.PurchaseMade, EventCrm.Relationship", NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return watch.Elapsed;
    }

    /// <summary>Touchpoint documents as the event store holds them (camelCase, the event's own fields).</summary>
    public static (string Type, string Json)[] Payloads(int count)
    {
        var factory = new TouchpointFactory("copy", 7);
        var now = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, count).Select(i =>
        {
            var json = System.Text.Encoding.UTF8.GetString(factory.Single(w => factory.Activity(w, CustomerBase.IdOf(i + 1), factory.Recent(now, 365))));
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return (doc.RootElement.GetProperty("type").GetString()!, json);
        }).ToArray();
    }
}
