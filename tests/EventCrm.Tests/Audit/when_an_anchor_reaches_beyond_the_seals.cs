using System.Text.Json.Nodes;
using EventCrm.Projections.Audit;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

/// <summary>A schema of its own: the scenarios hold seals back and set the sealer's progress by hand.</summary>
public sealed class AnchorAheadHost() : SchemaHost(AnchorAheadHost.SchemaName)
{
    public const string SchemaName = "eventcrm_anchors_ahead";
}

/// <summary>
/// An anchor taken on a copy of the database whose sealer had gone further, or checked while this
/// sealer lags, covers events not sealed here yet. Its seals cannot be judged: calling them
/// changed would send an auditor after a tampering that never happened.
/// </summary>
public class when_an_anchor_reaches_beyond_the_seals(AnchorAheadHost app) : IClassFixture<AnchorAheadHost>
{
    private const string Schema = AnchorAheadHost.SchemaName;

    [Fact]
    public async Task a_database_whose_sealer_has_not_reached_the_anchor_is_not_checked_yet_and_holds_once_it_has()
    {
        await SealedCustomer();
        var anchor = await app.Host.GetJson("/api/audit/anchor");
        var (sequence, seals) = (Number(anchor, "sequence"), Number(anchor, "seals"));
        // As on a copy whose sealer lags two events behind: their seals not written, its progress two events back.
        var heldBackTo = await DataCommandLine.Count($"select seq_id from {Schema}.audit_seals order by seq_id desc offset 2 limit 1");
        await HoldSealsBack(heldBackTo);
        JsonNode check;
        try
        {
            check = await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200);
        }
        finally
        {
            await PutSealsBack(sequence);
        }

        var database = check["databases"]![0]!;
        (check["valid"]!.GetValue<bool>(), check["status"]!.GetValue<string>()).ShouldBe((false, "not-sealed-yet"));
        (database["valid"]!.GetValue<bool>(), database["status"]!.GetValue<string>()).ShouldBe((false, "not-sealed-yet"));
        (Number(database, "sealedThrough"), Number(database, "seals"), Number(database, "expectedSeals")).ShouldBe((heldBackTo, seals - 2, seals));
        database["reason"]!.GetValue<string>().ShouldStartWith($"Not sealed that far yet: sealed through {heldBackTo}, the anchor is at {sequence}.");

        var sealedAgain = await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200);
        (sealedAgain["valid"]!.GetValue<bool>(), sealedAgain["status"]!.GetValue<string>()).ShouldBe((true, "unchanged"));
        sealedAgain["databases"]![0]!["reason"].ShouldBeNull();
    }

    [Fact]
    public async Task an_anchor_further_than_the_sealer_has_gone_is_not_checked_even_when_the_seals_so_far_match_and_the_command_says_so()
    {
        await SealedCustomer();
        var anchor = await app.Host.GetJson("/api/audit/anchor");
        var sealedThrough = Number(anchor, "sequence");
        // The same seals and digest, said to reach five events further: events the sealer may still seal up to there would change the digest.
        anchor["databases"]![0]!["sequence"] = sealedThrough + 5;

        var database = (await app.Host.PostJson("/api/audit/anchor/verify", anchor, 200))["databases"]![0]!;

        database["digest"]!.GetValue<string>().ShouldBe(database["expectedDigest"]!.GetValue<string>());
        (database["valid"]!.GetValue<bool>(), database["status"]!.GetValue<string>()).ShouldBe((false, "not-sealed-yet"));
        database["reason"]!.GetValue<string>().ShouldStartWith($"Not sealed that far yet: sealed through {sealedThrough}, the anchor is at {sealedThrough + 5}.");

        var file = Path.Combine(Path.GetTempPath(), $"anchor-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, anchor.ToJsonString());
        try
        {
            var (exit, output, _) = await DataCommandLine.Run(Schema, "audit-verify", "--anchor", file);
            exit.ShouldBe(1, output);
            output.ShouldContain($"Anchor, default: not checked: Not sealed that far yet: sealed through {sealedThrough}");
            output.ShouldNotContain("changed");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long Number(JsonNode anchorOrCheck, string field) =>
        (anchorOrCheck["databases"]?[0] ?? anchorOrCheck)[field]!.GetValue<long>();

    private static Task HoldSealsBack(long to) => DataCommandLine.Execute(
        $"create table {Schema}.held_seals as select * from {Schema}.audit_seals where seq_id > {to}; " +
        $"delete from {Schema}.audit_seals where seq_id > {to}; update {Schema}.mt_event_progression set last_seq_id = {to} where name = '{AuditSealSubscription.ProgressName}'");

    private static Task PutSealsBack(long sealedThrough) => DataCommandLine.Execute(
        $"insert into {Schema}.audit_seals select * from {Schema}.held_seals; drop table {Schema}.held_seals; " +
        $"update {Schema}.mt_event_progression set last_seq_id = greatest(last_seq_id, {sealedThrough}) where name = '{AuditSealSubscription.ProgressName}'");

    private async Task SealedCustomer()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1), amount: 100m), Purchase(customer, Jan1.AddDays(2), amount: 200m) });
        await app.Store.CatchUp();
    }
}
