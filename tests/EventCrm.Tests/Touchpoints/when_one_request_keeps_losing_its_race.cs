using Alba;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public sealed class LosingRaceHost() : ProcessSchemaHost("eventcrm_losing_race");

/// <summary>
/// Requests arriving together share a transaction. One whose write can never succeed (here a lead
/// for a stream that exists without the profile every customer has, written outside the service)
/// makes every attempt of that transaction fail: the others must still get their answers.
/// </summary>
public class when_one_request_keeps_losing_its_race(LosingRaceHost app) : IClassFixture<LosingRaceHost>
{
    [Fact]
    public async Task the_requests_that_shared_its_transaction_are_appended_on_their_own()
    {
        var busy = Ids.Customer();
        var ghost = Ids.Customer();
        var newcomer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(busy, Jan1));
        await DataCommandLine.Execute($"insert into {app.Schema}.mt_streams (id, version) values ('{ghost}', 0)");

        Task<IScenarioResult> Post(Dictionary<string, object?> touchpoint) =>
            app.Host.Scenario(x => { x.Post.Json(touchpoint).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); });
        Task<IScenarioResult> ghostLead, newcomerLead;
        Task[] holdingTheWriters;
        await using (var held = await HeldStreamLock.Of(app.Schema, busy))
        {
            // Both writers wait for the busy customer: the next two requests queue and leave together.
            // One after the other, or the first writer could take both in one transaction.
            var firstWriter = Post(Purchase(busy, Jan1.AddDays(1)));
            await held.UntilWaitedOnBy(1);
            var secondWriter = Post(Purchase(busy, Jan1.AddDays(2)));
            await held.UntilWaitedOnBy(2);
            holdingTheWriters = [firstWriter, secondWriter];
            ghostLead = Post(Lead(ghost, Jan1));
            newcomerLead = Post(Lead(newcomer, Jan1));
            await Task.Delay(300);
        }
        await Task.WhenAll(holdingTheWriters);

        (await newcomerLead).Context.Response.StatusCode.ShouldBe(201);
        (await ghostLead).Context.Response.StatusCode.ShouldBe(409);
        (await app.Store.EventCount(newcomer)).ShouldBe(1);
    }
}
