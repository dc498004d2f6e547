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
        // Fewer than 500 streams in each database: one read each, so 0% and then 100%, database after database.
        errors.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("Verifying streams")).ShouldBe([
            "Verifying streams (db0): 0%", "Verifying streams (db0): 100%", "Verifying streams (db1): 0%", "Verifying streams (db1): 100%"]);
    }

    [Fact]
    public async Task a_seal_set_to_zeros_in_the_second_database_is_reported_as_that_seal_alone()
    {
        var victim = Bases.Customers.Where(id => CustomerShardRule.DatabaseOf(id, 2) == 1).Skip(2).First();
        var (sequence, hash) = await SealOf(victim, version: 2);
        await SetSealHash(sequence, new string('0', 64));
        var audit = await Bases.Sharded.GetJson($"/api/customers/{victim}/audit");
        await SetSealHash(sequence, hash);

        var mismatches = audit["mismatches"]!.AsArray();
        mismatches.Count.ShouldBe(1, audit.ToJsonString());
        mismatches[0]!["sequence"]!.GetValue<long>().ShouldBe(sequence);
        mismatches[0]!["version"]!.GetValue<long>().ShouldBe(2);
        mismatches[0]!["touchpointId"].ShouldBeNull();
        mismatches[0]!["problem"]!.GetValue<string>().ShouldStartWith($"the seal differs from the event it sealed: the seal at sequence {sequence} (version 2)");
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
