using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public class when_posting_touchpoints(AppFixture app)
{
    [Fact]
    public async Task a_signup_starts_the_customer_and_is_acknowledged_with_201_and_counts()
    {
        var customer = Ids.Customer();

        var answer = await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        answer["appended"]!.GetValue<int>().ShouldBe(1);
        answer["repeated"]!.GetValue<int>().ShouldBe(0);
        answer["touchpoints"]![0]!["result"]!.GetValue<string>().ShouldBe("appended");
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]   // what `curl -d` sends unless told otherwise
    [InlineData("text/plain")]
    public async Task a_json_body_is_read_whatever_content_type_it_is_sent_as(string contentType)
    {
        var customer = Ids.Customer();
        var body = System.Text.Json.JsonSerializer.Serialize(SignUp(customer, Jan1));

        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/api/touchpoints");
            s.WithRequestHeader("Content-Type", contentType);
            s.StatusCodeShouldBe(201);
        });

        (await result.ReadAsTextAsync()).ShouldContain("\"appended\":1");
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task an_array_appends_every_touchpoint_in_one_go()
    {
        var customer = Ids.Customer();

        var answer = await app.Host.PostTouchpoints(new[]
        {
            SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(3)), SupportCall(customer, Jan1.AddDays(4)),
        });

        answer["appended"]!.GetValue<int>().ShouldBe(3);
        (await app.Store.EventCount(customer)).ShouldBe(3);
    }

    [Fact]
    public async Task every_touchpoint_type_of_the_api_is_accepted()
    {
        var customer = Ids.Customer();
        var at = Jan1;
        var all = new[]
        {
            Lead(customer, at),
            SignUp(customer, at.AddDays(1)),
            Purchase(customer, at.AddDays(2)),
            Of("refund", customer, at.AddDays(3), new { orderId = "o-1", amount = 40m, margin = 12m }),
            SupportCall(customer, at.AddDays(4)),
            Of("visit", customer, at.AddDays(5), new { cost = 80m, purpose = "annual review" }),
            Of("promotion-offered", customer, at.AddDays(6), new { promotionId = "spring", cost = 5m }),
            Of("promotion-accepted", customer, at.AddDays(7), new { promotionId = "spring", discountAmount = 10m }),
            Of("promotion-declined", customer, at.AddDays(8), new { promotionId = "summer" }),
            CancellationRequest(customer, at.AddDays(9)),
            Churn(customer, at.AddDays(10)),
        };

        var answer = await app.Host.PostTouchpoints(all);

        answer["appended"]!.GetValue<int>().ShouldBe(11);
        var types = (await app.Host.TimelineEntries(customer)).Select(e => e!["type"]!.GetValue<string>());
        types.ShouldBe(["lead-captured", "signed-up", "purchase", "refund", "support-call", "visit", "promotion-offered",
            "promotion-accepted", "promotion-declined", "cancellation-requested", "churned"]);
    }

    [Fact]
    public async Task a_time_in_nanoseconds_is_taken_to_the_tenth_of_a_microsecond()
    {
        var customer = Ids.Customer();
        var signup = SignUp(customer, Jan1);
        signup["occurredAt"] = "2025-03-01T10:15:00.123456789+01:00";

        await app.Host.PostTouchpoints(signup);

        var entry = (await app.Host.TimelineEntries(customer)).Single()!;
        entry["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2025, 3, 1, 9, 15, 0, TimeSpan.Zero).AddTicks(1_234_567));
    }

    [Fact]
    public async Task an_array_refused_for_one_reason_says_it_once_and_names_every_item()
    {
        var stranger = Ids.Customer();

        var problem = await app.Host.PostTouchpoints(new[] { Purchase(stranger, Jan1), Purchase(stranger, Jan1.AddDays(1)), SupportCall(stranger, Jan1.AddDays(2)) }, 404);

        var detail = problem["detail"]!.GetValue<string>();
        detail.Split(stranger).Length.ShouldBe(2, detail);   // the customer named once
        problem.ErrorKeys().ShouldBe(["[0]", "[1]", "[2]"]);
    }

    [Fact]
    public async Task a_touchpoint_for_a_customer_with_no_stream_is_404_and_nothing_is_appended()
    {
        var stranger = Ids.Customer();

        var problem = await app.Host.PostTouchpoints(Purchase(stranger, Jan1), 404);

        problem["detail"]!.GetValue<string>().ShouldContain(stranger);
        problem.ErrorKeys().ShouldBe(["customerId"]);
        (await app.Store.EventCount(stranger)).ShouldBe(0);
    }

    [Fact]
    public async Task a_lead_may_start_a_customer_and_a_later_signup_converts_it()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(Lead(customer, Jan1));
        var lead = await app.Host.GetJson($"/api/customers/{customer}");
        (lead["state"]!.GetValue<string>(), lead["signedUp"]!.GetValue<bool>()).ShouldBe(("prospect", false));

        await app.Host.PostTouchpoints(SignUp(customer, Jan1.AddDays(2)));

        (await app.Store.EventCount(customer)).ShouldBe(2);
        var converted = await app.Host.GetJson($"/api/customers/{customer}");
        (converted["state"]!.GetValue<string>(), converted["signedUp"]!.GetValue<bool>()).ShouldBe(("active", true));
    }

    [Fact]
    public async Task a_second_signup_of_the_same_customer_is_409()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        var problem = await app.Host.PostTouchpoints(SignUp(customer, Jan1.AddDays(1)), 409);

        problem.ErrorKeys().ShouldBe(["customerId"]);
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task two_signups_of_one_new_customer_in_one_array_are_409_and_nothing_is_appended()
    {
        var customer = Ids.Customer();

        var problem = await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), SignUp(customer, Jan1.AddDays(1)) }, 409);

        problem.ErrorKeys().ShouldBe(["[1]"]);
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task an_array_is_all_or_nothing_when_one_item_is_for_an_unknown_customer()
    {
        var customer = Ids.Customer();
        var stranger = Ids.Customer();

        var problem = await app.Host.PostTouchpoints(new[]
        {
            SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)), Purchase(stranger, Jan1.AddDays(1)),
        }, 404);

        problem.ErrorKeys().ShouldBe(["[2]"]);
        (await app.Store.EventCount(customer)).ShouldBe(0);
        (await app.Store.EventCount(stranger)).ShouldBe(0);
    }

    [Fact]
    public async Task the_problem_is_rfc_7807()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(Purchase(Ids.Customer(), Jan1)).ToUrl("/api/touchpoints");
            s.StatusCodeShouldBe(404);
            s.Header("Content-Type").SingleValueShouldEqual("application/problem+json");
        });
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await result.ReadAsTextAsync())!;
        problem["status"]!.GetValue<int>().ShouldBe(404);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }
}
