using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

public class when_a_touchpoint_is_invalid(AppFixture app)
{
    [Fact]
    public async Task missing_ids_are_each_named_and_nothing_is_appended()
    {
        var problem = await app.Host.PostTouchpoints(new Dictionary<string, object?>
        {
            ["type"] = "signed-up", ["occurredAt"] = "2025-01-01T09:00:00Z",
            ["name"] = "Ada", ["email"] = "ada@example.com", ["segment"] = "smb", ["acquisitionCost"] = 10,
        }, 400);

        problem.ErrorKeys().ShouldBe(["customerId", "touchpointId"]);
        problem["status"]!.GetValue<int>().ShouldBe(400);
    }

    [Fact]
    public async Task an_unknown_type_is_named()
    {
        var problem = await app.Host.PostTouchpoints(Of("teleported", Ids.Customer(), Jan1, new { }), 400);

        problem.ErrorKeys().ShouldBe(["type"]);
        problem["errors"]!["type"]![0]!.GetValue<string>().ShouldContain("teleported");
    }

    [Fact]
    public async Task negative_amounts_and_costs_and_a_margin_above_the_amount_are_rejected()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        var problem = await app.Host.PostTouchpoints(new[]
        {
            Purchase(customer, Jan1.AddDays(1), amount: -5m, margin: -10m),
            Purchase(customer, Jan1.AddDays(1), amount: 50m, margin: 60m),
            SupportCall(customer, Jan1.AddDays(2), cost: -1m),
            Purchase(customer, Jan1.AddDays(3)),
        }, 400);

        problem.ErrorKeys().ShouldBe(["[0].amount", "[1].margin", "[2].cost"]);
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task a_missing_field_and_a_broken_rule_are_named_together()
    {
        var customer = Ids.Customer();
        var purchase = Purchase(customer, Jan1.AddDays(1), amount: -5m, margin: -10m);
        purchase.Remove("category");

        var problem = await app.Host.PostTouchpoints(purchase, 400);

        problem.ErrorKeys().ShouldBe(["category", "amount"], ignoreOrder: true);
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task a_date_that_cannot_be_read_does_not_hide_a_broken_rule_on_another_field()
    {
        var purchase = Purchase(Ids.Customer(), Jan1, amount: -5m, margin: -10m);
        purchase["occurredAt"] = "yesterday";

        var problem = await app.Host.PostTouchpoints(purchase, 400);

        problem.ErrorKeys().ShouldBe(["amount", "occurredAt"]);
    }

    [Fact]
    public async Task a_margin_is_not_judged_against_an_amount_that_cannot_be_read()
    {
        var purchase = Purchase(Ids.Customer(), Jan1, margin: 60m);
        purchase["amount"] = "a lot";

        var problem = await app.Host.PostTouchpoints(purchase, 400);

        problem.ErrorKeys().ShouldBe(["amount"]);
    }

    public static TheoryData<string, string> BrokenRules => new()
    {
        { "a negative acquisition cost", "acquisitionCost" },
        { "an acquisition cost over a trillion", "acquisitionCost" },
        { "a negative refund", "amount" },
        { "a refund's margin above its amount", "margin" },
        { "a negative call duration", "durationMinutes" },
        { "a visit of negative cost", "cost" },
        { "a promotion of negative cost", "cost" },
        { "a negative discount", "discountAmount" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task every_business_rule_names_its_field(string broken, string field)
    {
        var customer = Ids.Customer();
        var at = Jan1.AddDays(1);
        var touchpoint = broken switch
        {
            "a negative acquisition cost" => Of("signed-up", customer, at, new { name = "Ada", email = "ada@example.com", segment = "smb", acquisitionCost = -1m }),
            "an acquisition cost over a trillion" => Of("signed-up", customer, at,
                new { name = "Ada", email = "ada@example.com", segment = "smb", acquisitionCost = 1_000_000_000_001m }),
            "a negative refund" => Of("refund", customer, at, new { orderId = "o-1", amount = -20m, margin = -30m }),
            "a refund's margin above its amount" => Of("refund", customer, at, new { orderId = "o-1", amount = 20m, margin = 25m }),
            "a negative call duration" => Of("support-call", customer, at, new { durationMinutes = -3, cost = 10m, resolved = true }),
            "a visit of negative cost" => Of("visit", customer, at, new { cost = -0.01m }),
            "a promotion of negative cost" => Of("promotion-offered", customer, at, new { promotionId = "spring", cost = -5m }),
            "a negative discount" => Of("promotion-accepted", customer, at, new { promotionId = "spring", discountAmount = -5m }),
            _ => throw new ArgumentOutOfRangeException(nameof(broken), broken, null),
        };

        var problem = await app.Host.PostTouchpoints(touchpoint, 400);

        problem.ErrorKeys().ShouldBe([field]);
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task amounts_beyond_a_trillion_are_rejected_so_a_customer_s_sums_cannot_overflow()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        // Two of the first would already overflow decimal (7.9e28) once summed into the customer's revenue.
        var problem = await app.Host.PostTouchpoints(new[]
        {
            Purchase(customer, Jan1.AddDays(1), amount: 5e28m, margin: 1m),
            Purchase(customer, Jan1.AddDays(1), amount: 10m, margin: -2_000_000_000_000m),
            SupportCall(customer, Jan1.AddDays(2), cost: 1_000_000_000_001m),
        }, 400);

        problem.ErrorKeys().ShouldBe(["[0].amount", "[1].margin", "[2].cost"]);
        (await app.Store.EventCount(customer)).ShouldBe(1);
        await app.Host.PostTouchpoints(Purchase(customer, Jan1.AddDays(3), amount: 1_000_000_000_000m, margin: -1_000_000_000_000m));
        (await app.Store.EventCount(customer)).ShouldBe(2);
    }

    [Fact]
    public async Task a_touchpoint_more_than_five_minutes_in_the_future_is_rejected_but_four_minutes_is_clock_skew()
    {
        var customer = Ids.Customer();
        var now = DateTimeOffset.UtcNow;

        var problem = await app.Host.PostTouchpoints(SignUp(customer, now.AddMinutes(6)), 400);
        problem.ErrorKeys().ShouldBe(["occurredAt"]);

        await app.Host.PostTouchpoints(SignUp(customer, now.AddMinutes(4)));
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task a_placeholder_date_before_1900_is_rejected_but_new_years_day_1900_is_history()
    {
        var customer = Ids.Customer();
        var placeholder = SignUp(customer, Jan1);
        placeholder["occurredAt"] = "0001-01-01T00:00:00Z";
        var excelZero = SignUp(customer, Jan1);
        excelZero["occurredAt"] = "1899-12-30T00:00:00Z";

        var problem = await app.Host.PostTouchpoints(new[] { placeholder, excelZero }, 400);
        problem.ErrorKeys().ShouldBe(["[0].occurredAt", "[1].occurredAt"]);
        problem["errors"]!["[0].occurredAt"]![0]!.GetValue<string>().ShouldContain("placeholder");

        await app.Host.PostTouchpoints(SignUp(customer, new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    [Fact]
    public async Task an_occurred_at_without_offset_or_of_the_wrong_type_is_rejected()
    {
        var withoutOffset = SignUp(Ids.Customer(), Jan1);
        withoutOffset["occurredAt"] = "2025-01-01T09:00:00";
        var asNumber = SignUp(Ids.Customer(), Jan1);
        asNumber["occurredAt"] = 1735722000;

        var problem = await app.Host.PostTouchpoints(new[] { withoutOffset, asNumber }, 400);

        problem.ErrorKeys().ShouldBe(["[0].occurredAt", "[1].occurredAt"]);
    }

    [Fact]
    public async Task wrongly_typed_and_unknown_fields_are_named()
    {
        var purchase = Purchase(Ids.Customer(), Jan1);
        purchase["amount"] = "a lot";
        purchase["discount"] = 3;

        var problem = await app.Host.PostTouchpoints(purchase, 400);

        problem.ErrorKeys().ShouldBe(["amount", "discount"]);
    }

    [Fact]
    public async Task malformed_json_is_400()
    {
        var problem = await app.Host.PostRaw("{\"type\": \"signed-up\", ", 400);

        problem.ErrorKeys().ShouldBe(["body"]);
    }

    [Fact]
    public async Task an_empty_array_and_an_array_over_1000_items_are_400()
    {
        await app.Host.PostRaw("[]", 400);

        var customer = Ids.Customer();
        var tooMany = Enumerable.Range(0, 1001).Select(i => Lead(customer, Jan1.AddMinutes(i))).ToArray();
        var problem = await app.Host.PostTouchpoints(tooMany, 400);

        problem["errors"]!["body"]![0]!.GetValue<string>().ShouldContain("1000");
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task a_customer_id_over_100_characters_is_rejected()
    {
        var problem = await app.Host.PostTouchpoints(SignUp(new string('c', 101), Jan1), 400);

        problem.ErrorKeys().ShouldBe(["customerId"]);
    }

    [Fact]
    public async Task in_an_array_every_bad_item_is_named_by_its_index_and_nothing_is_appended()
    {
        var customer = Ids.Customer();
        var badEmail = SignUp(Ids.Customer(), Jan1, email: "not-an-email");
        var notAnObject = 42;

        var problem = await app.Host.PostTouchpoints(new object[] { SignUp(customer, Jan1), badEmail, notAnObject }, 400);

        problem.ErrorKeys().ShouldBe(["[1].email", "[2]"]);
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }
}
