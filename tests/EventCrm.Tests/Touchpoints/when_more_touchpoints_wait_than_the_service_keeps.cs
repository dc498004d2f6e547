using Alba;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>A service that keeps one touchpoint waiting for its writers: the bound is reached at once.</summary>
public sealed class BusyHost() : ProcessSchemaHost("eventcrm_busy", ("Touchpoints:MaxWaiting", "1"));

public class when_more_touchpoints_wait_than_the_service_keeps(BusyHost busy) : IClassFixture<BusyHost>
{
    [Fact]
    public async Task the_request_over_the_bound_is_refused_503_with_retry_after_and_the_others_land_once_the_database_moves()
    {
        var customer = Ids.Customer();
        await busy.Host.PostTouchpoints(SignUp(customer, Jan1));
        var purchases = Enumerable.Range(1, 8).Select(day => Purchase(customer, Jan1.AddDays(day))).ToList();
        var answers = new List<Task<IScenarioResult>>();

        await using (await HeldStreamLock.Of(busy.Schema, customer))
        {
            // Both writers wait for the customer's lock with a request each; the third request waits
            // for a writer, and the one after it finds the queue at its bound.
            foreach (var purchase in purchases)
            {
                answers.Add(busy.Host.Scenario(x => { x.Post.Json(purchase).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); }));
                await Task.Delay(100);
            }
            await Waits.Until(() => answers.Any(a => a.IsCompleted));
        }
        var results = await Task.WhenAll(answers);

        var refused = results.Where(r => r.Context.Response.StatusCode == 503).ToList();
        refused.ShouldNotBeEmpty();
        refused[0].Context.Response.Headers.RetryAfter.ToString().ShouldBe("5");
        (await refused[0].ReadAsJsonAsync<ProblemBody>())!.Title.ShouldBe("Service busy");
        results.Count(r => r.Context.Response.StatusCode == 201).ShouldBe(purchases.Count - refused.Count);
        (await busy.Store.EventCount(customer)).ShouldBe(1 + purchases.Count - refused.Count);
    }

    [Fact]
    public async Task a_bound_below_one_stops_the_start_naming_the_setting()
    {
        var failure = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost("eventcrm_busy_zero", ("Touchpoints:MaxWaiting", "0")));

        failure.ToString().ShouldContain("Touchpoints:MaxWaiting must be at least 1");
    }

    private sealed record ProblemBody(string Title, string Detail);
}
