using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// The service started with a setting it cannot run with stops at once, with one line naming the
/// setting and exit code 1: not the runtime's "Unhandled exception" stack trace and abort (exit
/// code 134, a core dump under systemd).
/// </summary>
public class when_a_setting_stops_the_start
{
    [Theory]
    [InlineData("Touchpoints__MaxWaiting", "0", "Touchpoints:MaxWaiting must be at least 1")]
    [InlineData("Marten__Daemon", "maybe", "Marten:Daemon must be \"on\" or \"off\"")]
    [InlineData("Auth__AdminKey", "short-key", "Auth:AdminKey must be at least 16 characters")]
    [InlineData("Replays__MaxUnfinished", "0", "Replays:MaxUnfinished must be 1 or more")]
    [InlineData("Import__MaxConcurrent", "0", "Import:MaxConcurrent must be 1 or more")]
    [InlineData("Auth__UnknownKeysPerMinute", "0", "Auth:UnknownKeysPerMinute must be 1 or more")]
    public async Task it_says_which_in_one_line_and_exits_1(string variable, string value, string said)
    {
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string>
        {
            ["Marten__Schema"] = "eventcrm_refused_start", [variable] = value, ["Urls"] = "http://127.0.0.1:0",
        });

        exit.ShouldBe(1, errors);
        errors.Trim().ShouldStartWith("EventCrm did not start: ");
        errors.ShouldContain(said);
        errors.Trim().Split('\n').Length.ShouldBe(1, errors);
        output.ShouldNotContain("Unhandled exception");
    }
}
