using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public class when_writers_race_on_one_customer(AppFixture app)
{
    [Fact]
    public async Task twenty_concurrent_posts_all_land_exactly_once()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var purchases = Enumerable.Range(1, 20).Select(day => Purchase(customer, Jan1.AddDays(day))).ToArray();

        var answers = await Task.WhenAll(purchases.Select(p => app.Host.PostTouchpoints(p)));

        answers.Sum(a => a["appended"]!.GetValue<int>()).ShouldBe(20);
        var entries = await app.Host.TimelineEntries(customer);
        entries.Count.ShouldBe(21);
        entries.Skip(1).Select(e => e!["touchpointId"]!.GetValue<string>())
            .ShouldBe(purchases.Select(p => (string)p["touchpointId"]!), ignoreOrder: true);
    }

    [Fact]
    public async Task concurrent_signups_of_one_new_customer_give_one_201_and_409s()
    {
        var customer = Ids.Customer();
        var signups = Enumerable.Range(0, 6).Select(i => SignUp(customer, Jan1.AddMinutes(i))).ToArray();

        var statuses = await Task.WhenAll(signups.Select(async s =>
            (await app.Host.Scenario(x => { x.Post.Json(s).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); }))
            .Context.Response.StatusCode));

        statuses.Count(s => s == 201).ShouldBe(1);
        statuses.Count(s => s == 409).ShouldBe(5);
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }
}
