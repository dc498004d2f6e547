using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Projections.Audit;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

/// <summary>A schema of its own: the scenarios rewrite events and seals on purpose.</summary>
public sealed class AnchorHost() : SchemaHost(AnchorHost.SchemaName)
{
    public const string SchemaName = "eventcrm_anchors";
}

/// <summary>
/// An auditor keeps a digest of the seals outside the database. What the hash chain cannot show
/// (the newest events of a stream deleted with their seals, a chain recomputed by someone who can
/// write both tables) no longer goes unseen.
/// </summary>
public class when_anchoring_the_seals(AnchorHost app) : IClassFixture<AnchorHost>
{
    private const string Schema = AnchorHost.SchemaName;

    [Fact]
    public async Task the_anchor_is_the_digest_an_auditor_recomputes_with_psql_and_sha256sum()
    {
        await SealedCustomer();

        var anchor = (await app.Host.GetJson("/api/audit/anchor"))["databases"]!.AsArray().Single()!;

        anchor["database"]!.GetValue<string>().ShouldBe("default");
        var sequence = anchor["sequence"]!.GetValue<long>();
        sequence.ShouldBe(await Scalar<long>($"select max(seq_id) from {Schema}.mt_events"), "the sealer has caught up with the log");
        anchor["seals"]!.GetValue<long>().ShouldBe(await Scalar<long>($"select count(*) from {Schema}.audit_seals"));
        anchor["digest"]!.GetValue<string>().ShouldBe(await PsqlSha256Sum(
            $"select concat_ws(' ', seq_id, stream_id, version, hash, personal_hashes) from {Schema}.audit_seals where seq_id <= {sequence} order by seq_id"));
    }

    [Fact]
    public async Task an_untouched_log_verifies_against_its_anchor_and_events_sealed_since_do_not_disturb_it()
    {
        await SealedCustomer();
        var anchor = await app.Host.GetJson("/api/audit/anchor");
        await SealedCustomer();

        var check = await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200);

        (check["valid"]!.GetValue<bool>(), check["status"]!.GetValue<string>()).ShouldBe((true, "unchanged"));
        var database = check["databases"]![0]!;
        (database["valid"]!.GetValue<bool>(), database["status"]!.GetValue<string>()).ShouldBe((true, "unchanged"));
        database["reason"].ShouldBeNull();
        database["sealedThrough"]!.GetValue<long>().ShouldBeGreaterThan(database["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task an_erasure_of_personal_data_leaves_an_earlier_anchor_valid()
    {
        var customer = await SealedCustomer();
        var anchor = await app.Host.GetJson("/api/audit/anchor");

        await app.Host.PostJson($"/api/customers/{customer}/erasure", new { }, 200);
        await app.Store.CatchUp();

        (await Scalar<string>($"select data ->> 'name' from {Schema}.mt_events where stream_id = '{customer}' and version = 1")).ShouldBe("[erased]");
        (await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200))["valid"]!.GetValue<bool>().ShouldBeTrue("an erasure changes no seal");
    }

    [Fact]
    public async Task a_chain_rewritten_in_both_tables_passes_the_chain_and_fails_the_anchor()
    {
        var customer = await SealedCustomer();
        var anchor = await app.Host.GetJson("/api/audit/anchor");

        // The last purchase's amount raised, and its seal made again the way the sealer makes it.
        var last = await SequenceOf(customer, version: 3);
        await Execute($"update {Schema}.mt_events set data = jsonb_set(data, '{{amount}}', '9000') where seq_id = {last}");
        var previousHash = await Scalar<string>($"select hash from {Schema}.audit_seals where stream_id = '{customer}' and version = 2");
        var forged = AuditChain.Hash(await RowAt(last), previousHash, new Dictionary<string, string>(), streamKey: null, coversProvenance: true);
        await Execute($"update {Schema}.audit_seals set hash = '{forged}' where seq_id = {last}");

        (await app.Host.GetJson($"/api/customers/{customer}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue("the forgery fools the chain");
        var check = await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200);
        (check["valid"]!.GetValue<bool>(), check["status"]!.GetValue<string>()).ShouldBe((false, "changed"));
        check["databases"]![0]!["reason"]!.GetValue<string>().ShouldStartWith("The seals up to ");
        check["databases"]![0]!["digest"]!.GetValue<string>().ShouldNotBe(check["databases"]![0]!["expectedDigest"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_newest_event_of_a_stream_deleted_with_its_seal_passes_the_chain_and_fails_the_anchor()
    {
        var customer = await SealedCustomer();
        var anchor = await app.Host.GetJson("/api/audit/anchor");

        var last = await SequenceOf(customer, version: 3);
        await Execute($"delete from {Schema}.audit_seals where seq_id = {last}; delete from {Schema}.mt_events where seq_id = {last}; " +
                      $"update {Schema}.mt_streams set version = 2 where id = '{customer}'");

        var audit = await app.Host.GetJson($"/api/customers/{customer}/audit");
        (audit["valid"]!.GetValue<bool>(), audit["checked"]!.GetValue<int>()).ShouldBe((true, 2), "the chain cannot tell its end was cut");
        var database = (await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200))["databases"]![0]!;
        database["valid"]!.GetValue<bool>().ShouldBeFalse();
        database["seals"]!.GetValue<long>().ShouldBe(database["expectedSeals"]!.GetValue<long>() - 1);
    }

    [Fact]
    public async Task the_whole_log_is_checked_over_http_and_an_altered_stream_is_named_with_its_first_mismatch()
    {
        var customer = await SealedCustomer();
        var altered = await SequenceOf(customer, version: 2);
        var original = await Scalar<string>($"select data::text from {Schema}.mt_events where seq_id = {altered}");
        await Execute($"update {Schema}.mt_events set data = jsonb_set(data, '{{amount}}', '1') where seq_id = {altered}");
        var report = await app.Host.GetJson("/api/audit/verify");
        // Put back as it was: the command-line scenario expects every chain of the schema to hold.
        await Execute($"update {Schema}.mt_events set data = '{original}'::jsonb where seq_id = {altered}");

        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        report["streams"]!.GetValue<long>().ShouldBe(await Scalar<long>($"select count(*) from (select id from {Schema}.mt_streams union select stream_id from {Schema}.audit_seals) s"));
        var named = report["altered"]!.AsArray().Single(a => a!["customerId"]!.GetValue<string>() == customer)!;
        (named["database"]!.GetValue<string>(), named["firstMismatch"]!["sequence"]!.GetValue<long>()).ShouldBe(("default", altered));
    }

    [Fact]
    public async Task the_command_line_writes_an_anchor_to_a_file_and_audit_verify_checks_it()
    {
        var customer = await SealedCustomer();
        var file = Path.Combine(Path.GetTempPath(), $"anchor-{Guid.NewGuid():N}.json");
        try
        {
            var (taken, output, _) = await Command("audit-anchor", "--out", file);
            taken.ShouldBe(0, output);
            var written = JsonNode.Parse(await File.ReadAllTextAsync(file))!["databases"]![0]!;
            // Standard output is the anchor alone: a script can keep it as it comes.
            JsonNode.Parse(output)!["databases"]![0]!["digest"]!.GetValue<string>().ShouldBe(written["digest"]!.GetValue<string>());
            written["digest"]!.GetValue<string>().ShouldBe(await PsqlSha256Sum(
                $"select concat_ws(' ', seq_id, stream_id, version, hash, personal_hashes) from {Schema}.audit_seals where seq_id <= {written["sequence"]} order by seq_id"));

            var (untouched, untouchedOutput, _) = await Command("audit-verify", "--anchor", file);
            untouched.ShouldBe(0, untouchedOutput);
            untouchedOutput.ShouldContain("are unchanged");

            var last = await SequenceOf(customer, version: 3);
            await Execute($"delete from {Schema}.audit_seals where seq_id = {last}; delete from {Schema}.mt_events where seq_id = {last}");
            var (cut, cutOutput, _) = await Command("audit-verify", "--anchor", file);
            cut.ShouldBe(1, cutOutput);
            cutOutput.ShouldContain($"Anchor, default: the seals up to sequence {written["sequence"]!.GetValue<long>():N0} changed");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task an_anchor_file_in_a_folder_that_does_not_exist_is_refused_in_one_line_naming_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"no-such-folder-{Guid.NewGuid():N}", "anchor.json");

        var (exit, output, errors) = await Command("audit-anchor", "--out", file);

        // Until 2026-12-06: "ERROR:" and a DirectoryNotFoundException's stack trace on standard output.
        exit.ShouldBe(1);
        errors.ShouldContain($"audit-anchor: --out {file}: cannot be written: ");
        errors.ShouldNotContain("   at ");
        output.ShouldBeEmpty("no anchor is printed when it could not be kept where it was asked");
    }

    [Fact]
    public async Task audit_verify_refuses_a_file_that_is_not_an_anchor_on_its_error_output()
    {
        var file = Path.Combine(Path.GetTempPath(), $"anchor-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"takenAt": "2026-01-01T00:00:00Z"}""");
        try
        {
            var (exit, output, errors) = await Command("audit-verify", "--anchor", file);

            exit.ShouldNotBe(0);
            errors.ShouldContain($"audit-verify: --anchor: {file} is not an anchor: databases");
            output.ShouldNotContain("--anchor");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The file is read as POST /api/audit/anchor/verify reads its body. Until 2026-12-07 the command took a
    /// wrong-case name, a number as a string and an unknown field as if the file were right (and verified it),
    /// and told a digest cut short only that it was not 64 characters, a file cut short that it "cannot be read".
    /// </summary>
    [Theory]
    [InlineData("wrong-case name", "is not an anchor: databases[0].Sequence is not a field of an item of databases; its fields are database, sequence, seals, digest (names are case-sensitive)")]
    [InlineData("number as string", "is not an anchor: databases[0].seals must be a whole number (not a string)")]
    [InlineData("unknown field", "is not an anchor: signature is not a field of an anchor; its fields are takenAt, databases (names are case-sensitive)")]
    [InlineData("digest cut short", "is not an anchor: databases[0].digest must be a SHA-256 in hexadecimal (64 characters): it has 40")]
    [InlineData("file cut short", "is not an anchor: it must be a JSON object {takenAt, databases: [{database, sequence, seals, digest}, ...]}: ")]
    public async Task audit_verify_reads_the_anchor_file_strictly_and_says_in_one_line_what_is_wrong(string fault, string problem)
    {
        await SealedCustomer();
        var anchor = (await app.Host.GetJson("/api/audit/anchor")).AsObject();
        var database = anchor["databases"]![0]!.AsObject();
        var digest = database["digest"]!.GetValue<string>();
        var text = anchor.ToJsonString();
        switch (fault)
        {
            case "wrong-case name": text = text.Replace("\"sequence\"", "\"Sequence\""); break;
            case "number as string": database["seals"] = database["seals"]!.GetValue<long>().ToString(); text = anchor.ToJsonString(); break;
            case "unknown field": anchor["signature"] = "by the auditor"; text = anchor.ToJsonString(); break;
            case "digest cut short": text = text.Replace(digest, digest[..40]); break;
            case "file cut short": text = text[..(text.IndexOf(digest, StringComparison.Ordinal) + 40)]; break;
        }
        var file = Path.Combine(Path.GetTempPath(), $"anchor-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var (exit, output, errors) = await Command("audit-verify", "--anchor", file);

            exit.ShouldBe(1, output);
            errors.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith($"audit-verify: --anchor: {file} {problem}");
            errors.ShouldNotContain("   at ");
            output.ShouldNotContain("streams", Case.Insensitive, "nothing is verified against an anchor that does not read");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task an_incomplete_or_foreign_anchor_is_refused_with_what_is_wrong()
    {
        var empty = await app.Host.PostJson("/api/audit/anchor/verify", new { takenAt = Jan1 }, 400);
        empty.ErrorKeys().ShouldBe(["databases"]);

        var malformed = await app.Host.PostJson("/api/audit/anchor/verify",
            new { databases = new object[] { new { database = "default", sequence = -1, seals = 3, digest = "not-a-digest" } } }, 400);
        malformed.ErrorKeys().ShouldBe(["databases[0].digest", "databases[0].sequence"]);

        var foreign = await app.Host.PostJson("/api/audit/anchor/verify",
            new { databases = new object[] { new { database = "db7", sequence = 10, seals = 10, digest = new string('a', 64) } } }, 422);
        foreign["detail"]!.GetValue<string>().ShouldContain("'db7'");
    }

    private async Task<string> SealedCustomer()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1), amount: 100m), Purchase(customer, Jan1.AddDays(2), amount: 200m) });
        await app.Store.CatchUp();
        return customer;
    }

    private static Task<(int ExitCode, string Output, string Errors)> Command(params string[] arguments) =>
        HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = Schema }, arguments);

    private static string ConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;

    /// <summary>The documented recipe, run as an auditor would: psql's unaligned rows piped to sha256sum.</summary>
    private static async Task<string> PsqlSha256Sum(string query)
    {
        var db = new NpgsqlConnectionStringBuilder(ConnectionString);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("set -o pipefail; psql -X -At -h \"$H\" -p \"$P\" -U \"$U\" -d \"$D\" -c \"$Q\" | sha256sum");
        (start.Environment["H"], start.Environment["P"], start.Environment["U"], start.Environment["D"], start.Environment["Q"]) =
            (db.Host!, db.Port.ToString(), db.Username!, db.Database!, query);
        if (db.Password is { } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, errors);
        return output.Split(' ')[0];
    }

    private async Task<long> SequenceOf(string customer, int version) =>
        await Scalar<long>($"select seq_id from {Schema}.mt_events where stream_id = '{customer}' and version = {version}");

    private static async Task<AuditRow> RowAt(long sequence)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return (await AuditStorage.RowsAsync(connection, Schema, $"seq_id = {sequence}", _ => { }, default)).Single();
    }

    private static async Task<T> Scalar<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
