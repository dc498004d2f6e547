using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>What an auditor walking through a deployment over two databases found: a seal altered in the second
/// database blamed two intact events, `audit-verify`'s progress to a file was garbled, and the export's rows could not be
/// tied to their seals (18,076 sequence numbers appeared twice in an export over two databases).</summary>
public sealed partial class when_writing_across_two_databases
{
    [Fact]
    public async Task audit_verify_writes_each_databases_progress_to_a_file_through_to_a_hundred_percent()
    {
        var (exit, output, errors) = await Bases.AuditVerify();

        exit.ShouldBe(0, output + errors);
        // Read 500 streams at a time, each database said "0%" and then "100%" and nothing between (a 600-stream database
        // "0%", "83%", "100%"). Now each database tells "0%", a line at each tenth passed, and "100%", before the next starts.
        var lines = errors.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("Verifying streams")).ToList();
        lines.SkipWhile(l => l.StartsWith("Verifying streams (db0): ")).ShouldAllBe(l => l.StartsWith("Verifying streams (db1): "), errors);
        var (db0, db1) = (Percents(lines, "db0"), Percents(lines, "db1"));
        // db0 holds 15 of the 24 customers (by the FNV-1a rule) and the formulas' and the model's streams, more than ten:
        // a line in each tenth in turn, 10-19 %, 20-29 %, ... and 100 %.
        db0[0].ShouldBe(0, errors);
        db0.Skip(1).Select(p => p / 10).ShouldBe(Enumerable.Range(1, 10), errors);
        db0[^1].ShouldBe(100, errors);
        // db1 holds the 9 others, and the streams other scenarios of this class may add: nine lines at least after its "0%"
        // (9 streams: 11 %, 22 %, ... 88 %, 100 %), rising to 100 %.
        db1[0].ShouldBe(0, errors);
        db1.Count.ShouldBeGreaterThanOrEqualTo(10, errors);
        db1.ShouldBe(db1.Order().Distinct(), errors);
        db1[^1].ShouldBe(100, errors);
    }

    private static List<int> Percents(IEnumerable<string> lines, string database) =>
        lines.Where(l => l.StartsWith($"Verifying streams ({database}): ")).Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..^1])).ToList();

    [Fact]
    public async Task a_seal_set_to_zeros_in_the_second_database_is_reported_as_that_seal_alone()
    {
        var victim = Bases.Customers.Where(id => CustomerShardRule.DatabaseOf(id, 2) == 1).Skip(2).First();
        var (sequence, hash) = await SealOf(victim, version: 2);
        await SetSealHash(sequence, new string('0', 64));
        var audit = await Bases.Sharded.GetJson($"/api/customers/{victim}/audit");
        var wholeLog = await Bases.Sharded.GetJson("/api/audit/verify");
        var (exit, output, _) = await Bases.AuditVerify();
        await SetSealHash(sequence, hash);

        var mismatches = audit["mismatches"]!.AsArray();
        mismatches.Count.ShouldBe(1, audit.ToJsonString());
        mismatches[0]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
        mismatches[0]!["version"]!.GetValue<long>().ShouldBe(2);
        // Version 2 of each customer is its signup, sent with the touchpoint id "<customer>-signup" (TwoDatabases.History): the
        // event is intact and still names it. It was null, and the command printed "touchpoint ?", as for an event gone.
        var signup = $"{victim}-signup";
        mismatches[0]!["touchpointId"]!.GetValue<string>().ShouldBe(signup);
        mismatches[0]!["problem"]!.GetValue<string>().ShouldStartWith($"the seal differs from the event it sealed: the seal at sequence {sequence} (version 2)");
        var altered = wholeLog["altered"]!.AsArray().Single(a => a!["customerId"]!.GetValue<string>() == victim)!;
        altered["firstMismatch"]!["touchpointId"]!.GetValue<string>().ShouldBe(signup);
        exit.ShouldBe(1, output);
        output.ShouldContain($"db1 {victim}: sequence {sequence} (version 2, touchpoint {signup}): the seal differs from the event it sealed");
        (await Bases.Sharded.GetJson($"/api/customers/{victim}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue("the seal is back as it was");
    }

    [Fact]
    public async Task every_exported_row_names_its_database_where_its_sequence_number_and_its_seal_are()
    {
        var text = (await Bases.Sharded.Scenario(s => s.Get.Url("/api/events"))).ReadAsText();
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var single = (await Bases.Single.Scenario(s => s.Get.Url("/api/events"))).ReadAsText();

        rows.ShouldNotBeEmpty();
        foreach (var row in rows)
        {
            var customer = row["customerId"]!.GetValue<string>();
            row["database"]!.GetValue<string>().ShouldBe($"db{CustomerShardRule.DatabaseOf(customer, 2)}", customer);
        }
        // Sequence numbers are per database: only with its database does a number name one event.
        var places = rows.Select(r => (Database: r["database"]!.GetValue<string>(), Sequence: r["sequence"]!.GetValue<long>())).ToList();
        places.Select(p => p.Sequence).Distinct().Count().ShouldBeLessThan(rows.Count, "both databases number their events from 1");
        places.Distinct().Count().ShouldBe(rows.Count);
        // Its seal is at that sequence number in that database, for the same stream and version.
        var row0 = rows.First(r => r["database"]!.GetValue<string>() == "db1");
        (await SealAt(1, row0["sequence"]!.GetValue<long>())).ShouldBe((row0["customerId"]!.GetValue<string>(), row0["version"]!.GetValue<long>()));
        // One database: the rows are as before, no database named.
        single.ShouldNotContain("\"database\"");
    }

    [Fact]
    public async Task a_csv_export_over_two_databases_names_the_database_in_its_last_column()
    {
        var csv = (await Bases.Sharded.Scenario(s =>
        {
            s.Get.Url($"/api/events?customerId={Bases.Customers[5]}");
            s.WithRequestHeader("Accept", "text/csv");
        })).ReadAsText();
        var singleCsv = (await Bases.Single.Scenario(s =>
        {
            s.Get.Url($"/api/events?customerId={Bases.Customers[5]}");
            s.WithRequestHeader("Accept", "text/csv");
        })).ReadAsText();

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("sequence,customerId,version,type,touchpointId,occurredAt,recordedAt,appendedBy,correlationId,causationId,data,database");
        var database = $"db{CustomerShardRule.DatabaseOf(Bases.Customers[5], 2)}";
        lines.Skip(1).ShouldAllBe(line => line.EndsWith("}\"," + database));
        singleCsv.Split('\n')[0].ShouldBe("sequence,customerId,version,type,touchpointId,occurredAt,recordedAt,appendedBy,correlationId,causationId,data");
    }

    private async Task<(string StreamId, long Version)> SealAt(int database, long sequence)
    {
        await using var connection = new NpgsqlConnection(Bases.Databases[database]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select stream_id, version from {Bases.Schema}.audit_seals where seq_id = @s", connection);
        command.Parameters.AddWithValue("s", sequence);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue($"a seal at {sequence} in db{database}");
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private async Task<(long Sequence, string Hash)> SealOf(string customer, long version)
    {
        await using var connection = new NpgsqlConnection(Bases.Databases[1]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select seq_id, hash from {Bases.Schema}.audit_seals where stream_id = @c and version = @v", connection);
        command.Parameters.AddWithValue("c", customer);
        command.Parameters.AddWithValue("v", version);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue($"{customer} has a seal for version {version}");
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private Task SetSealHash(long sequence, string hash) =>
        Execute(Bases.Databases[1], $"update {Bases.Schema}.audit_seals set hash = '{hash}' where seq_id = {sequence}");
}
