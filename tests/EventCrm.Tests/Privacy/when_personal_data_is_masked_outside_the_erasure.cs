using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// An erased value verifies by the hash its seal kept, so a name masked by SQL used to verify too: personal data could be
/// destroyed with no trace (an external audit, 2026-12-07). The chain now accepts a field reading "[erased]" only where
/// a personal-data-erased event after that event, in the same stream, names the field; and the audit of a customer
/// really erased says when and which fields, since "unaltered" alone hid that the data is gone.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_personal_data_is_masked_outside_the_erasure(PrivacyHost privacy)
{
    private const string MaskedNameAndEmail =
        "its name and email read \"[erased]\" without an erasure recorded: no personal-data-erased event after it in the stream names them, " +
        "so the value was destroyed outside the service's erasure";

    [Fact]
    public async Task a_name_and_email_masked_by_sql_are_a_mismatch_at_that_event()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();
        var lead = await SequenceOf(person.Id, 1);

        // The auditor's statement: no erasure call, no personal-data-erased event, the stream's key kept.
        await PrivacyHost.Execute($"update {PrivacyHost.Schema}.mt_events set data = data || '{{\"name\":\"[erased]\",\"email\":\"[erased]\"}}' " +
                                  "where stream_id = @id and version = 1", ("id", person.Id));

        var audit = await privacy.Host.GetJson($"/api/customers/{person.Id}/audit");
        audit["valid"]!.GetValue<bool>().ShouldBeFalse();
        audit["checked"]!.GetValue<int>().ShouldBe(0, "the lead is the stream's first event");
        audit["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(lead);
        audit["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(1);
        audit["firstMismatch"]!["problem"]!.GetValue<string>().ShouldBe(MaskedNameAndEmail);
        audit["erasures"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_whole_log_check_and_the_command_name_the_customer_masked_by_sql()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();
        await PrivacyHost.Execute($"update {PrivacyHost.Schema}.mt_events set data = data || '{{\"email\":\"[erased]\"}}' " +
                                  "where stream_id = @id and version = 2", ("id", person.Id));

        var log = await privacy.Host.GetJson("/api/audit/verify");
        log["valid"]!.GetValue<bool>().ShouldBeFalse();
        var altered = log["altered"]!.AsArray().Single(a => a!["customerId"]!.GetValue<string>() == person.Id)!;
        altered["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(2, "the signup");
        altered["firstMismatch"]!["problem"]!.GetValue<string>().ShouldStartWith("its email reads \"[erased]\" without an erasure recorded");

        var (exit, output, _) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = PrivacyHost.Schema }, "audit-verify");
        exit.ShouldNotBe(0);
        output.ShouldContain($"{person.Id}: sequence {await SequenceOf(person.Id, 2)} (version 2");
        output.ShouldContain("its email reads \"[erased]\" without an erasure recorded");
    }

    [Fact]
    public async Task a_real_erasure_is_said_with_its_time_and_fields_and_the_chain_verifies()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();

        var erasure = await privacy.Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);
        await privacy.Store.CatchUp();

        var audit = await privacy.Host.GetJson($"/api/customers/{person.Id}/audit");
        audit["valid"]!.GetValue<bool>().ShouldBeTrue(audit.ToJsonString());
        audit["checked"]!.GetValue<int>().ShouldBe(7, "six touchpoints and the erasure");
        var said = audit["erasures"]!.AsArray().ShouldHaveSingleItem()!;
        // The erasure event is the stream's seventh: appended after the lead, signup, two purchases, refund and call.
        said["version"]!.GetValue<long>().ShouldBe(7);
        said["sequence"]!.GetValue<long>().ShouldBe(await SequenceOf(person.Id, 7));
        said["erasedAt"]!.GetValue<DateTimeOffset>().ShouldBe(erasure["erasedAt"]!.GetValue<DateTimeOffset>());
        said["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["name", "email", "source", "reason", "channel"]);

        var log = await privacy.Host.GetJson("/api/audit/verify");
        log["altered"]!.AsArray().ShouldNotContain(a => a!["customerId"]!.GetValue<string>() == person.Id);
        log["erased"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task an_erasure_covers_only_the_events_before_it()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();
        await privacy.Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);
        // New personal data, given after the erasure (version 8), then masked by SQL: the earlier erasure does not cover it.
        await privacy.Host.PostTouchpoints(Lead(person.Id, Jan1.AddDays(90), "Quentin Again", "again@privacy.example"));
        await privacy.Store.CatchUp();
        await PrivacyHost.Execute($"update {PrivacyHost.Schema}.mt_events set data = data || '{{\"name\":\"[erased]\"}}' " +
                                  "where stream_id = @id and version = 8", ("id", person.Id));

        var audit = await privacy.Host.GetJson($"/api/customers/{person.Id}/audit");
        audit["valid"]!.GetValue<bool>().ShouldBeFalse();
        audit["checked"]!.GetValue<int>().ShouldBe(7, "the six touchpoints and the erasure, which cover the events before it");
        audit["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(8);
        audit["firstMismatch"]!["problem"]!.GetValue<string>().ShouldStartWith("its name reads \"[erased]\" without an erasure recorded");
        audit["erasures"]!.AsArray().Count.ShouldBe(1);
    }

    private async Task<long> SequenceOf(string customerId, int version)
    {
        var events = await privacy.Store.QuerySession().Events.FetchStreamAsync(customerId);
        return events.Single(e => e.Version == version).Sequence;
    }
}
