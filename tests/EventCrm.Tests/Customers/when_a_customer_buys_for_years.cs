using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

public class when_a_customer_buys_for_years(AppFixture app)
{
    [Fact]
    public async Task the_profile_keeps_two_marks_and_a_churn_back_dated_among_the_purchases_is_won_back()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1) }
            .Concat(Enumerable.Range(1, 300).Select(day => Purchase(customer, Jan1.AddDays(day)))).ToArray());

        await app.Host.PostTouchpoints(Churn(customer, Jan1.AddDays(150)));

        // Purchases on days 151 to 300 win the churned customer back.
        (await app.Host.GetJson($"/api/customers/{customer}"))["state"]!.GetValue<string>().ShouldBe("active");
        await using var session = app.Store.QuerySession();
        var profile = (await session.LoadAsync<CustomerProfile>(customer))!;
        profile.Marks.Select(m => (m.Type, m.OccurredAt)).ShouldBe([("churned", Jan1.AddDays(150)), ("purchase", Jan1.AddDays(300))]);
        profile.TouchpointCount.ShouldBe(302);
    }
}
