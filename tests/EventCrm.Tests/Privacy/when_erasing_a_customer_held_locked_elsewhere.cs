using System.Diagnostics;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Privacy;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// A customer's stream held locked by a transaction outside the service (an operator's
/// <c>select ... for update</c> in psql, a tool's long transaction) while an erasure is asked for it:
/// the erasure used to wait for that transaction without bound (up to the 30 s command timeout, then
/// told as a database outage). It now waits 2 s, as the appenders do, and is answered as they are:
/// 503 "Customer busy", nothing erased; sent again once the lock is gone, it erases.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_erasing_a_customer_held_locked_elsewhere(PrivacyHost privacy)
{
    private IAlbaHost Host => privacy.Host;

    [Fact]
    public async Task the_erasure_is_answered_customer_busy_erases_nothing_and_erases_once_sent_again()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();
        var url = $"/api/customers/{person.Id}/erasure";

        IScenarioResult busy;
        var watch = Stopwatch.StartNew();
        await using (await HeldStreamLock.Of(PrivacyHost.Schema, person.Id))
        {
            // Held for as long as the test likes: the answer must come while it is held.
            busy = await Host.Scenario(s => { s.Post.Json(new { }).ToUrl(url); s.IgnoreStatusCode(); }).WaitAsync(TimeSpan.FromSeconds(15));
            watch.Stop();

            // Nothing erased: the profile keeps the name, no erasure event, the values still stored.
            await using var session = privacy.Store.QuerySession();
            (await session.LoadAsync<CustomerProfile>(person.Id))!.Name.ShouldBe(person.Name);
            (await session.Events.FetchStreamAsync(person.Id)).ShouldNotContain(e => e.Data is PersonalDataErased);
            (await PrivacyHost.TablesHolding(person.Email)).ShouldContain("mt_events.data");
        }

        busy.Context.Response.StatusCode.ShouldBe(503);
        busy.Context.Response.Headers.RetryAfter.ToString().ShouldBe("2");
        // The 2 s bound, not the 30 s command timeout (with room for a busy machine).
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9));
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        var problem = JsonNode.Parse(await busy.ReadAsTextAsync())!;
        // The same problem as POST /api/touchpoints answers for a customer held elsewhere.
        problem["title"]!.GetValue<string>().ShouldBe("Customer busy");
        problem["status"]!.GetValue<int>().ShouldBe(503);
        problem["detail"]!.GetValue<string>().ShouldStartWith($"The stream of customer {person.Id} is locked by another transaction (still after 2 s)");
        problem["detail"]!.GetValue<string>().ShouldContain("Nothing was erased.");
        problem["errors"]!["customerId"]!.AsArray().Select(e => e!.GetValue<string>())
            .ShouldBe([$"{person.Id} is busy: its stream is locked by another transaction"]);

        // Released: sent again, it erases; once more, it says it already has.
        (await Host.PostJson(url, new { }, 200))["result"]!.GetValue<string>().ShouldBe("erased");
        (await Host.PostJson(url, new { }, 200))["result"]!.GetValue<string>().ShouldBe("already-erased");
    }
}
