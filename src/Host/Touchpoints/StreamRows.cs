using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Reads and writes the rows of Marten's event store for a batch of touchpoints directly, one
/// round trip each way: Marten's append costs one function call per stream and one upsert per
/// profile, and those calls were where ingestion spent its time (docs/design.md, "How an append is written").
/// The rows are the ones Marten writes: new streams, the new versions of existing ones, the events
/// (sequence numbers drawn from the store's own sequence in request order, the session's metadata)
/// and each customer's profile, the inline projection Marten would have run. The unique indexes
/// still decide races: a stream or touchpoint another writer got to first fails the transaction.
/// </summary>
public sealed class StreamRows(IDocumentStore store)
{
    private readonly EventGraph _events = (EventGraph)((StoreOptions)store.Options).Events;
    private readonly ISerializer _serializer = store.Options.Serializer();
    private readonly CustomerProfileProjection _profiles = new();
    private readonly string _eventSchema = store.Options.Events.DatabaseSchemaName;
    private readonly string _profileTable = $"{store.Options.DatabaseSchemaName}.mt_doc_{nameof(CustomerProfile).ToLowerInvariant()}";
    private static readonly string ProfileType = typeof(CustomerProfile).FullName!;

    /// <summary>
    /// Begins the transaction and returns which of these event ids are recorded, with the
    /// customers' streams locked until it ends, in id order (ordered locking cannot deadlock), and
    /// their versions and profiles, and the transaction's time: the knowledge time of everything it
    /// writes, the database's clock (as the stream rows' <c>now()</c>) whichever Host appends.
    /// The transaction is ours, in SQL, so that <see cref="Write"/>
    /// can commit it in its own round trip; a connection closed before that goes back to Npgsql's
    /// pool, which rolls the transaction back.
    /// </summary>
    /// <param name="boundedWait">
    /// Whether to wait for the stream locks at most <see cref="StreamLocks.SharedWait"/>; past it the batch
    /// fails with <see cref="StreamLocks.TimedOut"/>. Set in the same round trip, for the lock statement only.
    /// </param>
    public async Task<LockedStreams> BeginAndLockAsync(
        NpgsqlConnection connection, Guid[] eventIds, string[] customerIds, bool boundedWait, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        // Named, not the server's default: the profiles are read in a snapshot taken after the locks,
        // which only read committed gives (under repeatable read a row updated meanwhile fails the lock).
        batch.BatchCommands.Add(Command("begin isolation level read committed"));
        batch.BatchCommands.Add(Command("select transaction_timestamp()"));
        if (boundedWait) batch.BatchCommands.Add(Command(StreamLocks.BoundedWait));
        batch.BatchCommands.Add(LockStreams(customerIds));
        if (boundedWait) batch.BatchCommands.Add(Command(StreamLocks.UnboundedWait));
        // After the locks: a writer the lock waited for has committed its touchpoints by then, and a churn
        // naming the request that writer recorded must find it (looked up before, it was not there yet).
        batch.BatchCommands.Add(Command($"select id from {_eventSchema}.mt_events where id = any($1)", Value(eventIds)));
        // A statement of its own, so that its snapshot is taken once the locks are held: joined to
        // the locking statement, the profiles would be read as they were before a wait for a lock.
        batch.BatchCommands.Add(Command($"select data from {_profileTable} where id = any($1)", Value(customerIds)));
        var recorded = new HashSet<Guid>();
        var versions = new Dictionary<string, long>();
        var profiles = new Dictionary<string, CustomerProfile>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var transactionTime = reader.GetFieldValue<DateTimeOffset>(0);
        await reader.NextResultAsync(ct);
        foreach (var (id, version) in await StreamLocks.ReadLockedAsync(reader, ct)) versions[id] = version;
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) recorded.Add(reader.GetGuid(0));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var profile = (CustomerProfile)_serializer.FromJson(typeof(CustomerProfile), await reader.GetStreamAsync(0, ct));
            // A profile without a stream cannot be; a stream without a profile is not a customer's (a system stream).
            if (!versions.TryGetValue(profile.Id, out var version)) continue;
            profile.Version = version;
            profiles[profile.Id] = profile;
        }
        return new LockedStreams(recorded, profiles, transactionTime, HoldsStreams: versions.Count > 0);
    }

    /// <summary>
    /// The statements that write the plan's streams, events and profiles, and, with
    /// <paramref name="commit"/>, commit, to execute in one round trip: a failing statement skips
    /// the rest of the batch, the commit included, and the transaction stays open for the pool to
    /// roll back.
    /// </summary>
    /// <param name="eventIds">The event id of every touchpoint appended, by touchpoint id (<see cref="TouchpointEventIds"/>).</param>
    public NpgsqlBatch Write(NpgsqlConnection connection, string tenantId,
        IReadOnlyList<(StreamAppend Append, AppendContext Context)> appends, LockedStreams locked, IReadOnlyDictionary<string, Guid> eventIds, bool commit)
    {
        var rows = Rows(appends, locked.Profiles, locked.TransactionTime, eventIds);
        var batch = new NpgsqlBatch(connection);
        if (rows.NewStreams.Count > 0)
            batch.BatchCommands.Add(Command(
                $"insert into {_eventSchema}.mt_streams (id, version, tenant_id) select u.id, u.version, $3 from unnest($1, $2) u(id, version)",
                Value(rows.NewStreams.ToArray()), Value(rows.NewStreamVersions.ToArray()), Value(tenantId)));
        if (rows.ExistingStreams.Count > 0)
            batch.BatchCommands.Add(Command(
                $"update {_eventSchema}.mt_streams s set version = u.version, timestamp = now() from unnest($1, $2) u(id, version) where s.id = u.id",
                Value(rows.ExistingStreams.ToArray()), Value(rows.ExistingStreamVersions.ToArray())));

        var events = Command(
            $"insert into {_eventSchema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, correlation_id, causation_id, headers) " +
            $"select nextval('{_eventSchema}.mt_events_sequence'), u.id, u.stream_id, u.version, u.data, u.type, $10, $11, u.dotnet_type, false, u.correlation_id, u.causation_id, u.headers " +
            "from (select * from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) with ordinality " +
            "u(id, stream_id, version, data, type, dotnet_type, correlation_id, causation_id, headers, n) order by n) u",
            Value(rows.EventIds.ToArray()), Value(rows.EventStreams.ToArray()), Value(rows.EventVersions.ToArray()), Jsonb(rows.EventData),
            Value(rows.EventTypes.ToArray()), Value(rows.EventDotNetTypes.ToArray()), Value(rows.Correlations.ToArray()),
            new NpgsqlParameter { Value = rows.Causations.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar }, Jsonb(rows.Headers),
            Value(rows.RecordedAt), Value(tenantId));
        batch.BatchCommands.Add(events);

        batch.BatchCommands.Add(WriteProfiles(rows.Profiles));
        if (commit) batch.BatchCommands.Add(Command("commit"));
        return batch;
    }

    /// <summary>Locks these customers' streams until the transaction ends (<see cref="StreamLocks"/>), answering each one's id and version.</summary>
    public NpgsqlBatchCommand LockStreams(string[] customerIds) => Command(StreamLocks.Sql(_eventSchema), Value(customerIds));

    /// <summary>
    /// Of these customers, the ones whose stream row another transaction holds locked: the rows a
    /// lock that skips locked rows cannot take (taken for the statement only, in a transaction of its own).
    /// </summary>
    public async Task<List<string>> HeldElsewhereAsync(NpgsqlConnection connection, string[] customerIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select id from {_eventSchema}.mt_streams where id = any($1) " +
            $"and id not in (select id from {_eventSchema}.mt_streams where id = any($1) for update skip locked) order by id", connection);
        command.Parameters.Add(Value(customerIds));
        var held = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) held.Add(reader.GetString(0));
        return held;
    }

    /// <summary>Writes these profiles over the stored ones, as Marten stores the document.</summary>
    public NpgsqlBatchCommand WriteProfiles(IReadOnlyCollection<CustomerProfile> profiles) =>
        Command(
            $"insert into {_profileTable} (id, data, mt_version, mt_dotnet_type, mt_last_modified, search_text) " +
            "select u.id, u.data, u.version, $5, transaction_timestamp(), u.search_text from unnest($1, $2, $3, $4) u(id, data, version, search_text) " +
            "on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, " +
            "mt_last_modified = excluded.mt_last_modified, search_text = excluded.search_text",
            Value(profiles.Select(p => p.Id).ToArray()), Jsonb(profiles.Select(p => _serializer.ToJson(p))),
            Value(profiles.Select(p => p.Version).ToArray()), Value(profiles.Select(p => p.SearchText).ToArray()), Value(ProfileType));

    /// <summary>Deletes the profiles of these ids, if any.</summary>
    public NpgsqlBatchCommand DeleteProfiles(string[] customerIds) => Command($"delete from {_profileTable} where id = any($1)", Value(customerIds));

    /// <summary>Deletes the profiles no stream stands behind.</summary>
    public NpgsqlBatchCommand DeleteProfilesWithoutStream() =>
        Command($"delete from {_profileTable} p where not exists (select 1 from {_eventSchema}.mt_streams s where s.id = p.id)");

    /// <summary>Commits what <see cref="Write"/> wrote without committing.</summary>
    public static async Task CommitAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("commit", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public IEvent ToEvent(ITouchpoint touchpoint) => ToEvent(touchpoint, TouchpointEventIds.For(touchpoint.TouchpointId));

    private IEvent ToEvent(ITouchpoint touchpoint, Guid eventId)
    {
        var e = _events.BuildEvent(touchpoint);
        e.Id = eventId;
        return e;
    }

    private sealed class RowSet(DateTimeOffset recordedAt)
    {
        public DateTimeOffset RecordedAt { get; } = recordedAt;
        public List<string> NewStreams { get; } = [];
        public List<long> NewStreamVersions { get; } = [];
        public List<string> ExistingStreams { get; } = [];
        public List<long> ExistingStreamVersions { get; } = [];
        public List<Guid> EventIds { get; } = [];
        public List<string> EventStreams { get; } = [];
        public List<long> EventVersions { get; } = [];
        public List<string> EventData { get; } = [];
        public List<string> EventTypes { get; } = [];
        public List<string> EventDotNetTypes { get; } = [];
        public List<string> Correlations { get; } = [];
        public List<string?> Causations { get; } = [];
        public List<string> Headers { get; } = [];
        public List<CustomerProfile> Profiles { get; } = [];
    }

    /// <summary>
    /// The rows of the appends, in order. A customer appended to by several requests of the
    /// transaction gets one stream row (new if the first append started it, at the last version)
    /// and one profile, folded through all of them.
    /// </summary>
    private RowSet Rows(IReadOnlyList<(StreamAppend Append, AppendContext Context)> appends, IReadOnlyDictionary<string, CustomerProfile> profiles,
        DateTimeOffset recordedAt, IReadOnlyDictionary<string, Guid> eventIds)
    {
        var rows = new RowSet(recordedAt);
        var streams = new Dictionary<string, (bool Starts, long Version)>();
        var folded = new Dictionary<string, CustomerProfile?>();
        foreach (var (append, context) in appends)
        {
            var headers = _serializer.ToJson(new Dictionary<string, object> { [AppendContext.AppendedByHeader] = context.AppendedBy });
            var before = append.Before?.Version ?? 0;
            var version = before + append.Touchpoints.Count;
            streams[append.CustomerId] = (streams.TryGetValue(append.CustomerId, out var stream) ? stream.Starts : append.StartsStream, version);

            var profile = folded.TryGetValue(append.CustomerId, out var earlier) ? earlier : profiles.GetValueOrDefault(append.CustomerId);
            for (var i = 0; i < append.Touchpoints.Count; i++)
            {
                var e = ToEvent(append.Touchpoints[i], eventIds[append.Touchpoints[i].TouchpointId]);
                (e.Version, e.Timestamp) = (before + i + 1, recordedAt);
                rows.EventIds.Add(e.Id);
                rows.EventStreams.Add(append.CustomerId);
                rows.EventVersions.Add(e.Version);
                rows.EventData.Add(_serializer.ToJson(e.Data));
                rows.EventTypes.Add(e.EventTypeName);
                rows.EventDotNetTypes.Add(e.DotNetTypeName);
                rows.Correlations.Add(context.CorrelationId);
                rows.Causations.Add(context.CausationId);
                rows.Headers.Add(headers);
                profile = _profiles.Evolve(profile, append.CustomerId, e);
            }
            if (profile is not null) profile.Version = version;
            folded[append.CustomerId] = profile;
        }

        // New stream rows lock as they are inserted: in id order, as the existing ones are locked, so
        // that two writers starting the same customers wait for each other instead of deadlocking.
        foreach (var (customerId, (starts, version)) in streams.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            (starts ? rows.NewStreams : rows.ExistingStreams).Add(customerId);
            (starts ? rows.NewStreamVersions : rows.ExistingStreamVersions).Add(version);
        }
        rows.Profiles.AddRange(folded.Values.OfType<CustomerProfile>());
        return rows;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Value(object value) => new() { Value = value };

    private static NpgsqlParameter Jsonb(IEnumerable<string> json) =>
        new() { Value = json.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };
}

/// <summary>What <see cref="StreamRows.BeginAndLockAsync"/> found, in the transaction it began.</summary>
/// <param name="HoldsStreams">Whether any stream row is locked: the transaction then holds locks other writers may wait for.</param>
public sealed record LockedStreams(HashSet<Guid> Recorded, Dictionary<string, CustomerProfile> Profiles, DateTimeOffset TransactionTime,
    bool HoldsStreams = false)
{
    public static readonly LockedStreams None = new([], [], default);
}
