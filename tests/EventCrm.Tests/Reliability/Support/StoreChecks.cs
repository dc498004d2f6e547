using Npgsql;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>What the store holds, read with SQL straight from the tables, so that no code of the Host stands between a test and the truth.</summary>
public sealed class StoreChecks(string connectionString, string schema)
{
    /// <summary>How many events carry each of these touchpoint ids (absent ids are missing from the answer).</summary>
    public async Task<Dictionary<string, long>> TouchpointCounts(IReadOnlyCollection<string> touchpointIds) =>
        (await Rows($"select data->>'touchpointId', count(*) from {schema}.mt_events where data->>'touchpointId' = any(@ids) group by 1",
            r => (r.GetString(0), r.GetInt64(1)), ("ids", touchpointIds.ToArray()))).ToDictionary(x => x.Item1, x => x.Item2);

    /// <summary>Touchpoint ids stored more than once (must be none).</summary>
    public Task<List<string>> DuplicateTouchpoints() =>
        Rows($"select data->>'touchpointId' from {schema}.mt_events where data ? 'touchpointId' group by 1 having count(*) > 1", r => r.GetString(0));

    /// <summary>
    /// Customer streams whose parts disagree: the stream's version, its number of events, its last
    /// event's version, and the inline profile's version and touchpoint count must all be equal.
    /// </summary>
    public Task<List<string>> InconsistentStreams(IReadOnlyCollection<string>? only = null) => Rows($"""
        select s.id || ': stream version ' || s.version || ', events ' || e.n || ', last event version ' || e.last
               || ', profile version ' || coalesce(p.data->>'version', 'none') || ', profile touchpoints ' || coalesce(p.data->>'touchpointCount', 'none')
        from {schema}.mt_streams s
        join (select stream_id, count(*) n, max(version) last from {schema}.mt_events group by stream_id) e on e.stream_id = s.id
        left join {schema}.mt_doc_customerprofile p on p.id = s.id
        where s.id not like 'system:%' and s.id <> {Tombstones}
          and (@all or s.id = any(@only))
          and (s.version <> e.n or e.last <> e.n or p.id is null or (p.data->>'version')::bigint <> e.n or (p.data->>'touchpointCount')::bigint <> e.n)
        """, r => r.GetString(0), ("all", only is null), ("only", (only ?? []).ToArray()));

    /// <summary>Every customer's ledger document as stored (jsonb text is normalised, so equal documents give equal text).</summary>
    public async Task<Dictionary<string, string>> Ledgers() =>
        (await Rows($"select id, data::text from {schema}.mt_doc_customerledger order by id", r => (r.GetString(0), r.GetString(1))))
        .ToDictionary(x => x.Item1, x => x.Item2);

    /// <summary>Ledgers whose touchpoint count or version differs from their stream's number of events: one counted twice or never.</summary>
    public Task<List<string>> LedgersOffTheirStreams() => Rows($"""
        select s.id || ': ' || s.version || ' events, ledger ' || coalesce(l.data->>'touchpoints', 'missing') || ' at version ' || coalesce(l.mt_version::text, '-')
        from {schema}.mt_streams s left join {schema}.mt_doc_customerledger l on l.id = s.id
        where s.id not like 'system:%' and s.id <> {Tombstones}
          and (coalesce((l.data->>'touchpoints')::bigint, -1) <> s.version or l.mt_version <> s.version)
        """, r => r.GetString(0));

    /// <summary>
    /// Spend cells that differ from the purchases in the log, summed here by segment (the
    /// customer's signup) and category: a page applied twice or skipped shows as a difference.
    /// </summary>
    public Task<List<string>> SpendCellsOffTheEvents() => Rows($"""
        with segments as (select stream_id, max(data->>'segment') segment from {schema}.mt_events where type = 'signed-up' group by stream_id),
        expected as (
            select coalesce(s.segment, '') segment, e.data->>'category' category, sum((e.data->>'amount')::numeric) revenue,
                   sum((e.data->>'margin')::numeric) margin, count(*) purchases, count(distinct e.stream_id) buyers
            from {schema}.mt_events e left join segments s using (stream_id)
            where e.type = 'purchase' group by 1, 2),
        stored as (
            select coalesce(data->>'segment', '') segment, data->>'category' category, (data->>'revenue')::numeric revenue,
                   (data->>'margin')::numeric margin, (data->>'purchases')::bigint purchases, (data->>'buyers')::bigint buyers
            from {schema}.mt_doc_spendcell)
        select coalesce(x.segment, y.segment) || '|' || coalesce(x.category, y.category) || ': expected ' || coalesce(x.revenue::text, 'none')
               || ' over ' || coalesce(x.purchases::text, '0') || ' purchases, stored ' || coalesce(y.revenue::text, 'none') || ' over ' || coalesce(y.purchases::text, '0')
        from expected x full join stored y on x.segment = y.segment and x.category = y.category
        where x.revenue is distinct from y.revenue or x.margin is distinct from y.margin
           or x.purchases is distinct from y.purchases or x.buyers is distinct from y.buyers
        """, r => r.GetString(0));

    /// <summary>Marten's own stream: it fills the sequence numbers of a transaction that failed (a lost race) with placeholders.</summary>
    private const string Tombstones = "'mt_tombstone'";

    private async Task<List<T>> Rows<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    public async Task DropSchema()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }
}
