using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>What an auditor walking through a deployment over two databases found: a seal altered in the second
/// database blamed two intact events, and `audit-verify`'s progress to a file was garbled.</summary>
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
