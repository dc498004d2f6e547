using System.Text.Json.Nodes;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Host.Touchpoints;
using EventCrm.Projections.Audit;
using EventCrm.Projections.Customers;
using EventCrm.Projections.Privacy;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten;

namespace EventCrm.Host.Privacy;

public abstract record ErasureOutcome;

public sealed record UnknownCustomer : ErasureOutcome;

/// <summary>Some events holding personal values are not sealed into the audit chain yet (the sealer runs behind or is stopped).</summary>
public sealed record NotSealedYet(int Unsealed) : ErasureOutcome;

/// <param name="EventsKept">Events that still hold free text sealed verbatim, now (an earlier erasure's record counts them as they were then).</param>
public sealed record Erased(PersonalDataErased Erasure, bool Already, int EventsKept) : ErasureOutcome;

/// <summary>The customer's stream stayed locked by another transaction past <see cref="StreamLocks.SharedWait"/>: nothing was erased.</summary>
public sealed record CustomerHeldElsewhere(IReadOnlyList<string> CustomerIds) : ErasureOutcome;

/// <summary>Touchpoints kept landing on the customer between reading the stream and committing the erasure: nothing was erased.</summary>
public sealed record KeptChanging(int Attempts) : ErasureOutcome;

/// <summary>
/// Erases a customer's personal data (docs/privacy.md) in one transaction: every event of the
/// stream that still holds a name, an email or free text (<see cref="PersonalData"/>) is
/// overwritten with those values replaced by "[erased]" in its stored JSON (until 2026-12-06
/// through Marten's <c>OverwriteEvent</c>, which wrote the whole body again from today's record), and
/// a personal-data-erased event is appended with the stream's expected version, so a touchpoint
/// racing in makes the whole transaction fail and the erasure is decided again. Appending that
/// event makes the inline CustomerProfile projection blank the profile's name, email and search
/// text in the same transaction. No other field is touched, so every value stays the same, and
/// the events were sealed first, so the audit chain proves that only the personal fields changed.
/// </summary>
public static class PersonalDataErasure
{
    public const string ErasedAtHeader = "personal-data-erased-at";
    private const int MaxAttempts = 12;

    public static async Task<ErasureOutcome> EraseAsync(CustomerDatabases databases, string customerId, AppendContext context, TimeProvider clock,
        TimeSpan sealWait, ILogger logger, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + sealWait;
        for (var attempt = 1; ; attempt++)
        {
            await using var session = databases.SessionFor(customerId);
            session.Logger = new LostRacesNotErrors(session.Logger);
            if (await session.LoadAsync<CustomerProfile>(customerId, ct) is null) return new UnknownCustomer();

            var events = await session.Events.FetchStreamAsync(customerId, token: ct);
            var holding = events.Where(e => PersonalData.Holds(e.Data)).ToList();
            var sealedFields = await SealedFieldsAsync(session, holding.Select(e => e.Sequence).ToArray(), ct);
            var unsealed = holding.Count(e => !sealedFields.ContainsKey(e.Sequence));
            if (unsealed > 0)
            {
                if (clock.GetUtcNow() >= deadline) return new NotSealedYet(unsealed);
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                continue;
            }
            // A value is erased where its seal holds its hash, so the chain still verifies: free text
            // sealed verbatim (before 2026-12-05) stays as it is.
            var personal = holding.Select(e => (Event: e, Fields: PersonalData.HeldIn(e.Data).Where(sealedFields[e.Sequence].Contains).ToHashSet()))
                .Where(p => p.Fields.Count > 0).ToList();
            var kept = holding.Count(e => PersonalData.HeldIn(e.Data).Any(field => !sealedFields[e.Sequence].Contains(field)));
            if (personal.Count == 0 && events.LastOrDefault(e => e.Data is PersonalDataErased)?.Data is PersonalDataErased done)
                return new Erased(done, Already: true, kept);

            // From here until the commit no other writer touches the customer (its profile, read by
            // Marten's inline projection at the commit, is the latest); a touchpoint appended since the
            // stream was read fails the commit on its version, and the erasure is decided again.
            try
            {
                await StreamLocks.TakeAsync(session, [customerId], ct);
            }
            catch (CustomerBusyException busy)
            {
                // Nothing is staged yet; the session's transaction is rolled back as it is disposed.
                logger.LogInformation("Erasure of {CustomerId}: {Reason}; answered busy, nothing erased", customerId, busy.Message);
                return new CustomerHeldElsewhere(busy.CustomerIds);
            }
            var masked = PersonalData.Fields.Where(field => personal.Any(p => p.Fields.Contains(field))).ToList();
            var erasure = new PersonalDataErased(clock.GetUtcNow(), context.AppendedBy, masked, personal.Count, kept);
            var erasedAt = new JsonObject { [ErasedAtHeader] = erasure.ErasedAt.ToString("O") }.ToJsonString();
            foreach (var (e, fields) in personal)
                session.QueueSqlCommand(
                    $"update {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_events " +
                    "set data = data || ?::jsonb, headers = coalesce(headers, '{}'::jsonb) || ?::jsonb where seq_id = ?",
                    ErasedValues(fields), erasedAt, e.Sequence);
            context.Stamp(session);
            session.Events.Append(customerId, events[^1].Version + 1, erasure);
            // The stream's secret goes with the values: the hashes sealed with it can no longer be
            // matched against a guessed name or email (crypto-shredding).
            session.QueueSqlCommand($"delete from {AuditStorage.SchemaOf(session.DocumentStore)}.{AuditStorage.KeysTableName} where stream_id = ?", customerId);
            // Told to every node that holds names in memory: each portfolio answer redacts the customers erased since
            // the valuation it answers from was begun (ErasureLog).
            session.QueueSqlCommand(ErasureLog.RecordSql(AuditStorage.SchemaOf(session.DocumentStore)), customerId);
            try
            {
                await session.SaveChangesAsync(ct);
                await VacuumKeysAsync(session, customerId, logger, ct);
                return new Erased(erasure, Already: false, kept);
            }
            catch (Exception e) when (LostRaces.Are(e))
            {
                if (attempt == MaxAttempts)
                {
                    logger.LogWarning("Erasure of {CustomerId} gave up after {Attempts} races lost to other writers: nothing was erased", customerId, attempt);
                    return new KeptChanging(attempt);
                }
                logger.LogDebug("Erasure of {CustomerId} lost a race to another writer (attempt {Attempt}): deciding again", customerId, attempt);
                // A touchpoint was appended meanwhile: decide again over the stream as it is now.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), ct);
            }
        }
    }

    /// <summary>
    /// The deleted key row stays in its page as a dead row version until a vacuum reclaims it, and until then whoever reads
    /// the table's files can still match a guessed name against the sealed hashes: the key table is vacuumed at once.
    /// Autovacuum would wait for thousands of dead rows (a handful per erasure). VACUUM runs outside any transaction, so
    /// after the commit, on a connection of its own; the table is small (a row per customer with personal data, pages
    /// all-visible skipped), a vacuum running already makes this one wait. The erasure has committed: a failure is logged,
    /// not answered (docs/privacy.md, "After an erasure", says what an operator runs then).
    /// </summary>
    private static async Task VacuumKeysAsync(IDocumentSession session, string customerId, ILogger logger, CancellationToken ct)
    {
        var table = $"{AuditStorage.SchemaOf(session.DocumentStore)}.{AuditStorage.KeysTableName}";
        try
        {
            await using var connection = session.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = $"vacuum {table}";
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Erasure of {CustomerId}: its stream's key is deleted, but {Table} could not be vacuumed: run VACUUM {Table} (docs/privacy.md, \"After an erasure\")",
                customerId, table, table);
        }
    }

    /// <summary>
    /// The stored body's personal values to overwrite, and nothing else: the event is masked where
    /// it is stored (jsonb's <c>||</c> replaces those keys), never written again from today's
    /// record, which would add the fields its record gained since the event was stored
    /// (<c>"channel": null</c>), or write any other the way today's serializer does, and the audit
    /// chain, which seals every other byte, would take the event for altered.
    /// </summary>
    private static string ErasedValues(IReadOnlySet<string> fields)
    {
        var values = new JsonObject();
        foreach (var field in fields) values[field] = PersonalData.Erased;
        return values.ToJsonString();
    }

    /// <summary>The fields whose hashes the seals of these events hold, by sequence; an event not sealed yet is not there.</summary>
    private static async Task<Dictionary<long, HashSet<string>>> SealedFieldsAsync(IQuerySession session, long[] sequences, CancellationToken ct)
    {
        var sealedFields = new Dictionary<long, HashSet<string>>();
        if (sequences.Length == 0) return sealedFields;
        await using var connection = session.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select seq_id, personal_hashes from {AuditStorage.SchemaOf(session.DocumentStore)}.{AuditStorage.TableName} where seq_id = any(@sequences)";
        command.Parameters.AddWithValue("sequences", sequences);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            sealedFields[reader.GetInt64(0)] = reader.IsDBNull(1) || JsonNode.Parse(reader.GetString(1)) is not JsonObject hashes ? [] : hashes.Select(h => h.Key).ToHashSet();
        return sealedFields;
    }
}
