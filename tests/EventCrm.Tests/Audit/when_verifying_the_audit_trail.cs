using System.Text.Json.Nodes;
using Alba;
using EventCrm.Projections.Audit;
using EventCrm.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Audit;

/// <summary>A schema of its own: one scenario tampers with the events table on purpose.</summary>
public sealed class AuditHost() : SchemaHost(AuditHost.SchemaName)
{
    public const string SchemaName = "eventcrm_audit";
}

public class when_verifying_the_audit_trail(AuditHost audit) : IClassFixture<AuditHost>
{
    private async Task<string> SealedCustomer()
    {
        var customer = Ids.Customer();
        await audit.Host.PostTouchpoints(new[]
        {
            SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1), amount: 100m), Purchase(customer, Jan1.AddDays(2), amount: 200m),
            SupportCall(customer, Jan1.AddDays(3)),
        });
        await audit.Store.CatchUp();
        return customer;
    }

    private async Task Execute(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(int Exit, string Output)> AuditVerify()
    {
        var (exit, output, _) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = AuditHost.SchemaName }, "audit-verify");
        return (exit, output);
    }

    private async Task<long> SequenceOf(string customer, int version)
    {
        var events = await audit.Store.QuerySession().Events.FetchStreamAsync(customer);
        return events.Single(e => e.Version == version).Sequence;
    }

    [Fact]
    public async Task an_untouched_stream_verifies()
    {
        var customer = await SealedCustomer();

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");

        report["valid"]!.GetValue<bool>().ShouldBeTrue();
        report["checked"]!.GetValue<int>().ShouldBe(4);
        report["firstMismatch"].ShouldBeNull();
    }

    [Fact]
    public async Task the_exact_time_form_recomputes_a_seal_and_the_others_do_not()
    {
        var customer = await SealedCustomer();
        var purchase = await SequenceOf(customer, 2);
        // The first purchase holds no personal field: its data is hashed as PostgreSQL writes it. Every text as
        // docs/audit-and-replays.md gives it, the time with the SQL given there.
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(
            "select e.type, e.data::text, to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " +
            "e.headers ->> 'appended-by', e.correlation_id, e.causation_id, p.hash, s.hash, e.timestamp " +
            $"from {AuditHost.SchemaName}.mt_events e join {AuditHost.SchemaName}.audit_seals s on s.seq_id = e.seq_id " +
            $"join {AuditHost.SchemaName}.audit_seals p on p.stream_id = e.stream_id and p.version = e.version - 1 where e.seq_id = @seq", connection);
        read.Parameters.AddWithValue("seq", purchase);
        await using var row = await read.ExecuteReaderAsync();
        (await row.ReadAsync()).ShouldBeTrue();
        string Json(int column) => row.IsDBNull(column) ? "null" : System.Text.Json.JsonSerializer.Serialize(row.GetString(column));
        var (type, data, recordedAt, previous, sealedHash) = (row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(6), row.GetString(7));
        var provenance = $"{Json(3)} {Json(4)} {Json(5)}";
        var atOffset = row.GetFieldValue<DateTimeOffset>(8).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz", System.Globalization.CultureInfo.InvariantCulture);
        static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

        recordedAt.ShouldMatch(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$");
        Sha256(string.Join('\n', type, data, recordedAt, provenance, previous)).ShouldBe(sealedHash);
        // The same moment written with "+00:00" (the auditor's first try) is another text, so another hash.
        atOffset.ShouldEndWith("+00:00");
        Sha256(string.Join('\n', type, data, atOffset, provenance, previous)).ShouldNotBe(sealedHash);
    }

    [Fact]
    public async Task an_event_altered_in_the_table_is_found_at_exactly_that_event()
    {
        var customer = await SealedCustomer();
        var sequence = await SequenceOf(customer, 3);

        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{amount}}', '2000') where seq_id = @seq", ("seq", sequence));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(2);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
        var third = (await audit.Host.TimelineEntries(customer))[2]!;
        report["firstMismatch"]!["touchpointId"]!.GetValue<string>().ShouldBe(third["touchpointId"]!.GetValue<string>());
    }

    [Fact]
    public async Task free_text_altered_in_the_table_is_found_though_it_is_sealed_by_its_hash()
    {
        var customer = await SealedCustomer();
        var sequence = await SequenceOf(customer, 4);

        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{reason}}', '\"billing dispute\"') where seq_id = @seq", ("seq", sequence));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
    }

    [Fact]
    public async Task an_event_marked_archived_in_the_table_is_found_though_its_row_is_unchanged()
    {
        var customer = await SealedCustomer();
        var sequence = await SequenceOf(customer, 2);

        // Every reader skips archived events: the first purchase would vanish from the value and the timeline.
        await Execute($"update {AuditHost.SchemaName}.mt_events set is_archived = true where seq_id = @seq", ("seq", sequence));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(1);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
        report["firstMismatch"]!["problem"]!.GetValue<string>().ShouldContain("archived");
    }

    [Fact]
    public async Task a_recording_time_moved_is_found_too()
    {
        var customer = await SealedCustomer();
        var sequence = await SequenceOf(customer, 2);

        await Execute($"update {AuditHost.SchemaName}.mt_events set timestamp = timestamp - interval '1 day' where seq_id = @seq", ("seq", sequence));

        (await audit.Host.GetJson($"/api/customers/{customer}/audit"))["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
    }

    [Fact]
    public async Task who_appended_an_event_and_its_correlation_are_sealed_with_it()
    {
        var (byAnother, otherConversation) = (await SealedCustomer(), await SealedCustomer());
        var (first, second) = (await SequenceOf(byAnother, 2), await SequenceOf(otherConversation, 3));

        await Execute($"update {AuditHost.SchemaName}.mt_events set headers = jsonb_set(headers, '{{appended-by}}', '\"someone-else\"') where seq_id = @seq", ("seq", first));
        await Execute($"update {AuditHost.SchemaName}.mt_events set correlation_id = 'another-conversation' where seq_id = @seq", ("seq", second));

        (await audit.Host.GetJson($"/api/customers/{byAnother}/audit"))["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(first);
        (await audit.Host.GetJson($"/api/customers/{otherConversation}/audit"))["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(second);
    }

    [Fact]
    public async Task a_seal_made_before_seals_covered_who_appended_is_verified_as_it_was_made()
    {
        var customer = await SealedCustomer();
        var last = await SequenceOf(customer, 4);
        // The last seal remade as seals were made before 2026-12-05 (type, data, recording time, previous hash).
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        var row = (await AuditStorage.RowsAsync(connection, AuditHost.SchemaName, $"seq_id = {last}", _ => { }, default)).Single();
        var seals = await AuditStorage.SealsAsync(connection, AuditHost.SchemaName, $"stream_id = '{customer}'", _ => { }, default);
        var key = (await AuditStorage.KeysAsync(connection, AuditHost.SchemaName, [customer], create: false, default)).GetValueOrDefault(customer);
        var before = AuditChain.Hash(row, seals.Single(s => s.Version == 3).Hash, seals.Single(s => s.Version == 4).PersonalHashes, key, coversProvenance: false);
        await Execute($"update {AuditHost.SchemaName}.audit_seals set hash = @hash, covers_provenance = false where seq_id = @seq", ("hash", before), ("seq", last));

        (await audit.Host.GetJson($"/api/customers/{customer}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
        // Who appended it is not in that seal: changing it goes unseen there, as it did then.
        await Execute($"update {AuditHost.SchemaName}.mt_events set headers = jsonb_set(headers, '{{appended-by}}', '\"someone-else\"') where seq_id = @seq", ("seq", last));
        (await audit.Host.GetJson($"/api/customers/{customer}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task events_moved_to_other_places_in_their_stream_are_found()
    {
        var customer = await SealedCustomer();
        var sequence = await SequenceOf(customer, 3);

        // Same order, other versions: the chain of hashes alone would still hold.
        await Execute($"update {AuditHost.SchemaName}.mt_events set version = version + 10 where stream_id = @id and version >= 3", ("id", customer));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(2);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
    }

    [Fact]
    public async Task two_events_whose_sequence_numbers_were_swapped_are_named_with_the_numbers_they_were_sealed_at()
    {
        var customer = await SealedCustomer();
        var (third, fourth) = (await SequenceOf(customer, 3), await SequenceOf(customer, 4));

        // Versions kept, numbers swapped (through a free negative number: each number is unique).
        await Execute($"update {AuditHost.SchemaName}.mt_events set seq_id = -seq_id where seq_id = @a; " +
                      $"update {AuditHost.SchemaName}.mt_events set seq_id = @a where seq_id = @b; " +
                      $"update {AuditHost.SchemaName}.mt_events set seq_id = @b where seq_id = -@a", ("a", third), ("b", fourth));

        // The third event (the second purchase), sealed as version 3 at its own number, now holds the fourth's number. Until
        // 2026-12-07 this said "this event was sealed as version 4 of its stream", which it never was.
        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(2);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(fourth);
        report["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(3);
        report["firstMismatch"]!["problem"]!.GetValue<string>()
            .ShouldBe($"this event was sealed at sequence {third} (version 3) and now sits at sequence {fourth}, which was sealed for version 4: " +
                      "its sequence number was changed");
    }

    [Fact]
    public async Task two_events_whose_versions_were_swapped_are_named_with_the_version_they_were_sealed_as()
    {
        var customer = await SealedCustomer();
        var fourth = await SequenceOf(customer, 4);
        var call = (await audit.Host.TimelineEntries(customer))[3]!;

        // Numbers kept, versions swapped: the support call (sealed as version 4) now reads as version 3.
        await Execute($"update {AuditHost.SchemaName}.mt_events set version = -1 where stream_id = @id and version = 3; " +
                      $"update {AuditHost.SchemaName}.mt_events set version = 3 where stream_id = @id and version = 4; " +
                      $"update {AuditHost.SchemaName}.mt_events set version = 4 where stream_id = @id and version = -1", ("id", customer));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(2);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(fourth);
        report["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(3);
        report["firstMismatch"]!["touchpointId"]!.GetValue<string>().ShouldBe(call["touchpointId"]!.GetValue<string>());
        report["firstMismatch"]!["problem"]!.GetValue<string>().ShouldBe("this event was sealed as version 4 of its stream");
    }

    [Fact]
    public async Task an_event_deleted_from_the_middle_of_its_stream_is_named_at_its_own_place()
    {
        var customer = await SealedCustomer();
        var deleted = await SequenceOf(customer, 2);

        await Execute($"delete from {AuditHost.SchemaName}.mt_events where seq_id = @seq", ("seq", deleted));

        // Its seal remains: the auditor is told which event went (version 2), not that the third "differs".
        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(1);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(deleted);
        report["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(2);
        report["firstMismatch"]!["problem"]!.GetValue<string>().ShouldBe("a sealed event is missing from the log");
    }

    [Fact]
    public async Task an_event_deleted_with_its_seal_is_named_beside_the_event_after_it()
    {
        var customer = await SealedCustomer();
        var (deleted, after) = (await SequenceOf(customer, 2), await SequenceOf(customer, 3));

        await Execute($"delete from {AuditHost.SchemaName}.mt_events where seq_id = @seq; delete from {AuditHost.SchemaName}.audit_seals where seq_id = @seq",
            ("seq", deleted));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["checked"]!.GetValue<int>().ShouldBe(1);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(after);
        report["firstMismatch"]!["problem"]!.GetValue<string>()
            .ShouldBe("the event differs from what was sealed: the event before it, version 2, is missing, deleted with its seal");
    }

    /// <summary>Six events: the signup, four purchases of 100 and a support call, versions 1 to 6.</summary>
    private async Task<string> LongerSealedCustomer()
    {
        var customer = Ids.Customer();
        await audit.Host.PostTouchpoints(new[]
        {
            SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)), Purchase(customer, Jan1.AddDays(2)), Purchase(customer, Jan1.AddDays(3)),
            Purchase(customer, Jan1.AddDays(4)), SupportCall(customer, Jan1.AddDays(5)),
        });
        await audit.Store.CatchUp();
        return customer;
    }

    private static (long Sequence, long Version, string? TouchpointId, string Problem)[] MismatchesIn(JsonNode stream) =>
        stream["mismatches"]!.AsArray().Select(m => (m!["sequence"]!.GetValue<long>(), m["version"]!.GetValue<long>(),
            m["touchpointId"]?.GetValue<string>(), m["problem"]!.GetValue<string>())).ToArray();

    private async Task<string> TouchpointIdAt(string customer, int version) =>
        (await audit.Host.TimelineEntries(customer))[version - 1]!["touchpointId"]!.GetValue<string>();

    [Fact]
    public async Task two_events_altered_in_one_stream_are_both_reported_at_their_own_versions_and_no_event_between_or_after()
    {
        var customer = await LongerSealedCustomer();
        var (second, fourth) = (await SequenceOf(customer, 2), await SequenceOf(customer, 4));

        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{amount}}', '2000') where seq_id = any(@seqs)",
            ("seqs", new[] { second, fourth }));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        // Versions 3, 5 and 6 are intact and not reported: each is checked on the seal of the event before it.
        MismatchesIn(report).ShouldBe([
            (second, 2, await TouchpointIdAt(customer, 2), "the event differs from what was sealed"),
            (fourth, 4, await TouchpointIdAt(customer, 4), "the event differs from what was sealed")]);
        report["mismatchCount"]!.GetValue<int>().ShouldBe(2);
        // As before: the first mismatch, and the one event verified before it (the signup).
        report["firstMismatch"]!.ToJsonString().ShouldBe(report["mismatches"]![0]!.ToJsonString());
        report["checked"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task an_event_altered_then_one_deleted_are_each_reported_at_their_own_place()
    {
        var customer = await LongerSealedCustomer();
        var (second, fourth) = (await SequenceOf(customer, 2), await SequenceOf(customer, 4));

        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{amount}}', '2000') where seq_id = @altered; " +
                      $"delete from {AuditHost.SchemaName}.mt_events where seq_id = @deleted", ("altered", second), ("deleted", fourth));

        // The deleted event once, at its own place (its seal remains); version 5, sealed on its hash, verifies.
        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        MismatchesIn(report).ShouldBe([
            (second, 2, await TouchpointIdAt(customer, 2), "the event differs from what was sealed"),
            (fourth, 4, null, "a sealed event is missing from the log")]);
        report["mismatchCount"]!.GetValue<int>().ShouldBe(2);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(second);
    }

    [Fact]
    public async Task the_whole_log_check_and_the_command_list_every_mismatch_of_a_stream_the_first_hundred_of_them()
    {
        // The signup and 102 purchases, every purchase altered: 102 mismatches, versions 2 to 103; listed, versions 2 to 101.
        var customer = Ids.Customer();
        await audit.Host.PostTouchpoints(new[] { SignUp(customer, Jan1) }
            .Concat(Enumerable.Range(1, 102).Select(day => Purchase(customer, Jan1.AddDays(day)))).ToArray());
        await audit.Store.CatchUp();
        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{amount}}', '2000') where stream_id = @id and version > 1",
            ("id", customer));
        var (second, third) = (await SequenceOf(customer, 2), await SequenceOf(customer, 3));

        var log = await audit.Host.GetJson("/api/audit/verify");
        var altered = log["altered"]!.AsArray().Single(a => a!["customerId"]!.GetValue<string>() == customer)!;
        altered["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(second);
        altered["mismatchCount"]!.GetValue<int>().ShouldBe(102);
        MismatchesIn(altered).Select(m => m.Version).ShouldBe(Enumerable.Range(2, 100).Select(v => (long)v));

        var (exit, output) = await AuditVerify();
        exit.ShouldNotBe(0);
        // The first on the stream's line, as before; the others under it, the second of them at its own place.
        output.ShouldContain($"{customer}: sequence {second} (version 2, touchpoint ");
        output.ShouldContain($"\n  sequence {third} (version 3, touchpoint ");
        output.ShouldContain("  and 2 more mismatches not listed (102 in this stream, the first 100 listed)");
    }

    [Fact]
    public async Task an_event_slipped_in_where_the_sealer_had_already_passed_is_found()
    {
        var customer = await SealedCustomer();
        var later = await SealedCustomer();
        // A number the sealer has passed and no event holds any more, after the customer's last seal.
        var freed = await SequenceOf(later, 4);
        await Execute($"delete from {AuditHost.SchemaName}.mt_events where seq_id = @seq", ("seq", freed));

        await Execute($"insert into {AuditHost.SchemaName}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived) " +
                      $"select @seq, gen_random_uuid(), stream_id, 5, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived from {AuditHost.SchemaName}.mt_events " +
                      "where stream_id = @id and version = 3", ("seq", freed), ("id", customer));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["checked"]!.GetValue<int>().ShouldBe(4);
        report["unsealed"]!.GetValue<int>().ShouldBe(0);
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(freed);
    }

    [Fact]
    public async Task a_name_replaced_by_a_number_is_a_mismatch_not_an_error()
    {
        var customer = await SealedCustomer();
        var signup = await SequenceOf(customer, 1);

        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{name}}', '42') where seq_id = @seq", ("seq", signup));

        var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(signup);
    }

    [Fact]
    public async Task the_audit_verify_command_checks_every_stream_and_fails_on_a_mismatch()
    {
        var customer = await SealedCustomer();
        await Execute($"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{cost}}', '1') where stream_id = @id and version = 4", ("id", customer));

        var (exit, output) = await AuditVerify();

        exit.ShouldNotBe(0);
        output.ShouldContain(customer);
    }

    [Fact]
    public async Task the_audit_verify_command_finds_a_customer_whose_history_was_deleted_whole()
    {
        var customer = await SealedCustomer();
        // The stream row takes its events with it (the foreign key cascades): only the seals remain.
        await Execute($"delete from {AuditHost.SchemaName}.mt_streams where id = @id", ("id", customer));

        var (exit, output) = await AuditVerify();

        exit.ShouldNotBe(0);
        output.ShouldContain(customer);
    }

    [Fact]
    public async Task the_audit_verify_command_finds_an_event_altered_after_its_stream_row_was_deleted()
    {
        var customer = await SealedCustomer();
        // With the foreign key's trigger off the events outlive their stream row.
        await Execute($"set session_replication_role = replica; delete from {AuditHost.SchemaName}.mt_streams where id = @id; " +
                      $"update {AuditHost.SchemaName}.mt_events set data = jsonb_set(data, '{{amount}}', '2000') where stream_id = @id and version = 2",
            ("id", customer));

        var (exit, output) = await AuditVerify();

        exit.ShouldNotBe(0);
        output.ShouldContain(customer);
    }

    [Fact]
    public async Task a_stretch_of_the_log_longer_than_one_sealing_window_is_sealed_in_one_chain_per_stream()
    {
        // Paused, the daemon then hands the whole stretch to the seals as one range, which they
        // seal window by window: each chain must run on across the windows' edges.
        var coordinator = audit.Host.Services.GetRequiredService<IProjectionCoordinator>();
        var customers = Enumerable.Range(0, 7).Select(_ => Ids.Customer()).ToArray();
        const int perCustomer = 400;
        await coordinator.PauseAsync();
        try
        {
            var touchpoints = customers.Select(c => SignUp(c, Jan1))
                .Concat(Enumerable.Range(1, perCustomer - 1).SelectMany(day => customers.Select(c => SupportCall(c, Jan1.AddHours(day)))))
                .ToArray();
            touchpoints.Length.ShouldBeGreaterThan(AuditSealSubscription.Window);
            foreach (var array in touchpoints.Chunk(1000)) await audit.Host.PostTouchpoints(array);
        }
        finally
        {
            await coordinator.ResumeAsync();
        }
        await audit.Store.CatchUp();

        foreach (var customer in customers)
        {
            var report = await audit.Host.GetJson($"/api/customers/{customer}/audit");
            report["valid"]!.GetValue<bool>().ShouldBeTrue();
            report["checked"]!.GetValue<int>().ShouldBe(perCustomer);
        }
    }

    [Fact]
    public async Task a_sealing_cut_short_goes_on_after_its_last_seal_and_every_chain_holds()
    {
        var customers = Enumerable.Range(0, 3).Select(_ => Ids.Customer()).ToArray();
        await audit.Host.PostTouchpoints(customers.Select(c => SignUp(c, Jan1))
            .Concat(Enumerable.Range(1, 299).SelectMany(hour => customers.Select(c => SupportCall(c, Jan1.AddHours(hour))))).ToArray());
        await audit.Store.CatchUp();
        var sealedOnce = await SealsOf(customers);
        sealedOnce.Count.ShouldBe(900);

        // As after a crash: the daemon's progress back before these events, the later half of their seals never written.
        var coordinator = audit.Host.Services.GetRequiredService<IProjectionCoordinator>();
        await coordinator.PauseAsync();
        try
        {
            await Execute($"delete from {AuditHost.SchemaName}.audit_seals where seq_id > @cut", ("cut", sealedOnce[450].Sequence));
            // Back to before the first of these events; on a fresh log that is before any event, where the daemon has no
            // progress row at all (Marten inserts a shard's progress from 0, so a row left at 0 would collide with it).
            var before = sealedOnce[0].Sequence - 1;
            await Execute(before == 0
                ? $"delete from {AuditHost.SchemaName}.mt_event_progression where name = 'audit-seals:All'"
                : $"update {AuditHost.SchemaName}.mt_event_progression set last_seq_id = @before where name = 'audit-seals:All'",
                ("before", before));
        }
        finally
        {
            await coordinator.ResumeAsync();
        }
        await audit.Store.CatchUp();

        (await SealsOf(customers)).ShouldBe(sealedOnce);
        foreach (var customer in customers)
            (await audit.Host.GetJson($"/api/customers/{customer}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    private static async Task<List<(long Sequence, string Hash)>> SealsOf(string[] customers)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select seq_id, hash from {AuditHost.SchemaName}.audit_seals where stream_id = any(@customers) order by seq_id", connection);
        command.Parameters.AddWithValue("customers", customers);
        var seals = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) seals.Add((reader.GetInt64(0), reader.GetString(1)));
        return seals;
    }
}
