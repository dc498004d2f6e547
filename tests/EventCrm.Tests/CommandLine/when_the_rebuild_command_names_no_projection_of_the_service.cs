using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `rebuild --projection NoSuchThing` took about 20 s of start-up (the schema check, on a loaded
/// machine) before refusing the name. The projections are the store's configuration, known without
/// the database: the name is refused first, even when no database answers.
/// </summary>
public class when_the_rebuild_command_names_no_projection_of_the_service
{
    [Fact]
    public async Task it_is_refused_before_the_database_is_asked_anything()
    {
        // Port 1: nothing listens there, so any question to the database would fail the command with "cannot be reached".
        var (exit, _, errors) = await HostCommandLine.Run(
            new Dictionary<string, string> { ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=2" },
            "rebuild", "--projection", "NoSuchThing");

        exit.ShouldBe(1, errors);
        // The four projections of docs/projections.md's table, in ordinal order.
        errors.Trim().ShouldBe("rebuild: --projection must name one of: CustomerLedger, CustomerProfile, RetentionCases, SpendByCategory");
    }
}
