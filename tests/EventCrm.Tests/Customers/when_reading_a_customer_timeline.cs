using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

public class when_reading_a_customer_timeline(AppFixture app)
{
    [Fact]
    public async Task entries_come_in_business_time_order_with_the_state_after_each()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[]
        {
            Lead(customer, Jan1, name: "Grace Hopper"),
            SignUp(customer, Jan1.AddDays(10), name: "Grace Hopper"),
            Purchase(customer, Jan1.AddDays(20)),
            CancellationRequest(customer, Jan1.AddDays(30)),
            Churn(customer, Jan1.AddDays(40)),
        });

        var timeline = await app.Host.GetJson($"/api/customers/{customer}/timeline");

        timeline["customerId"]!.GetValue<string>().ShouldBe(customer);
        timeline["name"]!.GetValue<string>().ShouldBe("Grace Hopper");
        timeline["state"]!.GetValue<string>().ShouldBe("churned");
        var entries = timeline["entries"]!.AsArray();
        entries.Select(e => e!["state"]!.GetValue<string>())
            .ShouldBe(["prospect", "active", "active", "cancellation-requested", "churned"]);
        entries.Select(e => e!["occurredAt"]!.GetValue<DateTimeOffset>())
            .ShouldBe([Jan1, Jan1.AddDays(10), Jan1.AddDays(20), Jan1.AddDays(30), Jan1.AddDays(40)]);
    }

    [Fact]
    public async Task an_entry_carries_its_fields_its_business_time_and_its_recording_time()
    {
        var customer = Ids.Customer();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var purchase = Purchase(customer, Jan1.AddDays(3), amount: 250m, margin: 75m, category: "movers");
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), purchase });

        var entry = (await app.Host.TimelineEntries(customer))[1]!;

        entry["touchpointId"]!.GetValue<string>().ShouldBe((string)purchase["touchpointId"]!);
        entry["type"]!.GetValue<string>().ShouldBe("purchase");
        entry["amount"]!.GetValue<decimal>().ShouldBe(250m);
        entry["margin"]!.GetValue<decimal>().ShouldBe(75m);
        entry["category"]!.GetValue<string>().ShouldBe("movers");
        entry["orderId"]!.GetValue<string>().ShouldBe((string)purchase["orderId"]!);
        entry["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(Jan1.AddDays(3));
        entry["recordedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(before);
        entry["version"]!.GetValue<long>().ShouldBe(2);
        entry.AsObject().Select(p => p.Key).ShouldBeUnique();
    }

    [Fact]
    public async Task a_back_dated_touchpoint_lands_in_its_place_and_changes_the_states_after_it()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[]
        {
            SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(10)), Purchase(customer, Jan1.AddDays(30)),
        });
        var backDatedChurn = Churn(customer, Jan1.AddDays(20));

        await app.Host.PostTouchpoints(backDatedChurn);

        var timeline = await app.Host.GetJson($"/api/customers/{customer}/timeline");
        var entries = timeline["entries"]!.AsArray();
        entries[2]!["touchpointId"]!.GetValue<string>().ShouldBe((string)backDatedChurn["touchpointId"]!);
        entries.Select(e => e!["state"]!.GetValue<string>()).ShouldBe(["active", "active", "churned", "active"]);
        // A purchase after churning wins the customer back.
        timeline["state"]!.GetValue<string>().ShouldBe("active");
        (await app.Host.GetJson($"/api/customers/{customer}"))["state"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task an_acknowledged_touchpoint_is_in_the_very_next_read()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        for (var day = 1; day <= 5; day++)
        {
            await app.Host.PostTouchpoints(SupportCall(customer, Jan1.AddDays(day)));
            (await app.Host.TimelineEntries(customer)).Count.ShouldBe(day + 1);
        }
    }

    [Fact]
    public async Task an_unknown_customer_is_404_for_the_profile_and_the_timeline()
    {
        var stranger = Ids.Customer();

        await app.Host.GetJson($"/api/customers/{stranger}", 404);
        var problem = await app.Host.GetJson($"/api/customers/{stranger}/timeline", 404);

        problem["detail"]!.GetValue<string>().ShouldContain(stranger);
    }

    [Fact]
    public async Task an_id_sent_with_surrounding_spaces_is_404_naming_the_id_it_was_stored_under()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp($" {customer} ", Jan1) });

        var problem = await app.Host.GetJson($"/api/customers/%20{customer}", 404);

        problem["detail"]!.GetValue<string>().ShouldBe($"No customer ' {customer}'. Ids are stored without surrounding whitespace: ask for '{customer}'.");
        await app.Host.GetJson($"/api/customers/{customer}", 200);
    }

    [Fact]
    public async Task the_profile_says_who_the_customer_is_and_where_they_stand()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[]
        {
            Lead(customer, Jan1, name: "Alan Turing", email: "alan@example.org"),
            SignUp(customer, Jan1.AddDays(1), name: "Alan Turing", email: "alan@example.org"),
            CancellationRequest(customer, Jan1.AddDays(5)),
        });

        var profile = await app.Host.GetJson($"/api/customers/{customer}");

        profile["customerId"]!.GetValue<string>().ShouldBe(customer);
        profile["email"]!.GetValue<string>().ShouldBe("alan@example.org");
        profile["segment"]!.GetValue<string>().ShouldBe("smb");
        profile["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
        profile["touchpointCount"]!.GetValue<int>().ShouldBe(3);
        profile["signedUp"]!.GetValue<bool>().ShouldBeTrue();
    }
}
