using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>
/// An integrator often logs only a problem's detail. Until 2026-12-06 a refused touchpoint's detail
/// was "1 field(s) are invalid; nothing was appended." and named nothing: which field was wrong was
/// only in <c>errors</c>. It now names each fault (the first ten; <c>errors</c> keeps them all).
/// </summary>
public class when_a_refused_touchpoint_is_read_by_its_detail(AppFixture app)
{
    [Fact]
    public async Task the_detail_names_the_field_at_fault_and_nothing_is_appended()
    {
        var customer = Ids.Customer();
        var purchase = Purchase(customer, Jan1);
        purchase["amount"] = "100";

        var problem = await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), purchase }, 400);

        problem["detail"]!.GetValue<string>().ShouldBe("1 field(s) are invalid; nothing was appended. [1].amount must be a number.");
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task an_array_with_many_faults_names_the_first_ten_and_counts_the_rest()
    {
        var customer = Ids.Customer();
        var visits = Enumerable.Range(0, 12).Select(_ => Of("visit", customer, Jan1, new { cost = -1 })).ToArray();

        var problem = await app.Host.PostTouchpoints(visits, 400);

        var detail = problem["detail"]!.GetValue<string>();
        detail.ShouldStartWith("12 field(s) are invalid; nothing was appended. [0].cost must not be negative; [1].cost must not be negative; ");
        detail.ShouldEndWith("[9].cost must not be negative; and 2 more (see errors).");
        problem.ErrorKeys().Length.ShouldBe(12);
    }

    [Fact]
    public async Task bytes_that_are_not_utf8_are_named_as_such()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        // "café" written by a Latin-1 client: 0xE9 alone is no UTF-8 character.
        var body = Encoding.UTF8.GetBytes($$"""{"type":"visit","touchpointId":"caf#","customerId":"{{customer}}","occurredAt":"2025-02-01T10:00:00Z","cost":1}""");
        body[Array.IndexOf(body, (byte)'#')] = 0xE9;

        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/touchpoints");
            s.ConfigureHttpContext(http =>
            {
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(body);
                http.Request.ContentLength = body.Length;
            });
            s.StatusCodeShouldBe(400);
        });

        var problem = JsonNode.Parse(await result.ReadAsTextAsync())!;
        // Until 2026-12-06 the reason given was an escaped half of a surrogate pair, which the body did not hold.
        problem["errors"]!["touchpointId"]![0]!.GetValue<string>().ShouldContain("bytes that are not UTF-8");
        (await app.Store.EventCount(customer)).ShouldBe(1);
    }
}
