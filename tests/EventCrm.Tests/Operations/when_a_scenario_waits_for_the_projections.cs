using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

public sealed class WaitingHost() : SchemaHost("eventcrm_waiting_for_projections");

/// <summary>
/// The suite's wait for the projections (<see cref="Daemon.CatchUp"/>) waits for the committed
/// events only: an append elsewhere that has drawn sequence numbers and not committed (or will roll
/// back) holds nothing for a shard to process, and the daemon does not move past its numbers while
/// it is open, so a wait up to the sequence's last number ran to its timeout.
/// </summary>
public class when_a_scenario_waits_for_the_projections(WaitingHost app) : IClassFixture<WaitingHost>
{
    [Fact]
    public async Task an_append_in_flight_elsewhere_does_not_hold_the_wait()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });

        // Two events committed, two numbers drawn above them by an append still open: the wait ends
        // once every shard has the two events (it ran to its timeout, the daemon held below the open append's numbers).
        await using (await AppendInFlight.Drawing(app.Schema, 2))
            await app.Store.CatchUp(TimeSpan.FromSeconds(10));
    }
}
