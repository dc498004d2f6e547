using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

// Events are sealed by the async daemon: with no node running it (Marten:Daemon=off everywhere),
// nothing gets checked, and a script reading only the exit code must be able to tell.
public class when_no_node_seals_the_events
{
    private const string Schema = "eventcrm_audit_unsealed";

    [Fact]
    public async Task audit_verify_counts_them_as_not_checked_and_fails_on_them_when_asked_for_all_sealed()
    {
        await using var host = await AppFixture.StartHost(Schema, ("Marten:Daemon", "off"));
        await host.ResetAllData();
        var customer = Ids.Customer();
        await host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });
        var environment = new Dictionary<string, string> { ["Marten__Schema"] = Schema };

        var (exit, output, errors) = await HostCommandLine.Run(environment, "audit-verify");
        var (strict, strictOutput, _) = await HostCommandLine.Run(environment, "audit-verify", "--all-sealed");

        exit.ShouldBe(0, errors);
        output.ShouldContain("0 events verified, 2 not sealed yet, no mismatch");
        strict.ShouldNotBe(0);
        strictOutput.ShouldContain("2 event(s) not sealed yet, so not checked");
    }

    [Fact]
    public async Task the_audit_commands_refuse_a_schema_that_holds_no_event_log()
    {
        var environment = new Dictionary<string, string> { ["Marten__Schema"] = "eventcrm_never_created" };

        var (verify, _, verifyErrors) = await HostCommandLine.Run(environment, "audit-verify");
        var (anchor, _, anchorErrors) = await HostCommandLine.Run(environment, "audit-anchor");

        verify.ShouldNotBe(0);
        verifyErrors.ShouldContain("audit-verify: No event log in schema 'eventcrm_never_created'");
        anchor.ShouldNotBe(0);
        anchorErrors.ShouldContain("audit-anchor: No event log in schema 'eventcrm_never_created'");
    }
}
