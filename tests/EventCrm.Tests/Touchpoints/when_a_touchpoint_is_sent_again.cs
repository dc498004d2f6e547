using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public class when_a_touchpoint_is_sent_again(AppFixture app)
{
    [Fact]
    public async Task the_same_content_is_200_and_appends_nothing()
    {
        var customer = Ids.Customer();
        var signup = SignUp(customer, Jan1);
        await app.Host.PostTouchpoints(signup);

        var answer = await app.Host.PostTouchpoints(signup, 200);

        answer["appended"]!.GetValue<int>().ShouldBe(0);
        answer["repeated"]!.GetValue<int>().ShouldBe(1);
        answer["touchpoints"]![0]!["result"]!.GetValue<string>().ShouldBe("repeated");
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task the_same_instant_written_with_another_offset_is_the_same_content()
    {
        var customer = Ids.Customer();
        var signup = SignUp(customer, Jan1);
        await app.Host.PostTouchpoints(signup);

        signup["occurredAt"] = Jan1.ToOffset(TimeSpan.FromHours(2)).ToString("O");
        await app.Host.PostTouchpoints(signup, 200);

        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task different_content_under_the_same_touchpoint_id_is_409()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var purchase = Purchase(customer, Jan1.AddDays(1), amount: 100m);
        await app.Host.PostTouchpoints(purchase);

        purchase["amount"] = 120m;
        var problem = await app.Host.PostTouchpoints(purchase, 409);

        problem["detail"]!.GetValue<string>().ShouldContain((string)purchase["touchpointId"]!);
        problem.ErrorKeys().ShouldBe(["touchpointId"]);
        (await app.Store.EventCount(customer)).ShouldBe(2);
    }

    [Fact]
    public async Task the_same_touchpoint_id_for_another_customer_is_409()
    {
        var first = Ids.Customer();
        var signup = SignUp(first, Jan1);
        await app.Host.PostTouchpoints(signup);

        var second = Ids.Customer();
        signup["customerId"] = second;
        await app.Host.PostTouchpoints(signup, 409);

        (await app.Store.EventCount(second)).ShouldBe(0);
    }

    [Fact]
    public async Task an_array_of_repeats_is_200_and_a_mixed_array_is_201_with_both_counts()
    {
        var customer = Ids.Customer();
        var batch = new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) };
        await app.Host.PostTouchpoints(batch);

        var repeated = await app.Host.PostTouchpoints(batch, 200);
        repeated["repeated"]!.GetValue<int>().ShouldBe(2);

        var mixed = await app.Host.PostTouchpoints(new[] { batch[1], Purchase(customer, Jan1.AddDays(2)) }, 201);
        mixed["appended"]!.GetValue<int>().ShouldBe(1);
        mixed["repeated"]!.GetValue<int>().ShouldBe(1);
        (await app.Store.EventCount(customer)).ShouldBe(3);
    }

    [Fact]
    public async Task the_same_touchpoint_twice_in_one_array_is_appended_once()
    {
        var customer = Ids.Customer();
        var signup = SignUp(customer, Jan1);

        var answer = await app.Host.PostTouchpoints(new[] { signup, signup });

        answer["appended"]!.GetValue<int>().ShouldBe(1);
        answer["repeated"]!.GetValue<int>().ShouldBe(1);
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task a_conflicting_repeat_inside_an_array_rejects_the_whole_array()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var purchase = Purchase(customer, Jan1.AddDays(1));
        await app.Host.PostTouchpoints(purchase);
        purchase["category"] = "movers";

        var problem = await app.Host.PostTouchpoints(new[] { Purchase(customer, Jan1.AddDays(2)), purchase }, 409);

        problem.ErrorKeys().ShouldBe(["[1]"]);
        (await app.Store.EventCount(customer)).ShouldBe(2);
    }

    [Fact]
    public async Task repeats_are_recognised_by_a_restarted_host()
    {
        var customer = Ids.Customer();
        var signup = SignUp(customer, Jan1);
        await app.Host.PostTouchpoints(signup);

        await using var restarted = await AppFixture.StartHost();
        var answer = await restarted.PostTouchpoints(signup, 200);
        signup["segment"] = "enterprise";
        await restarted.PostTouchpoints(signup, 409);

        answer["repeated"]!.GetValue<int>().ShouldBe(1);
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }
}
