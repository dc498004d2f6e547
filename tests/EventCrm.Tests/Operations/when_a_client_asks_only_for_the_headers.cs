using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

// Uptime checks and load balancers probe with HEAD, which HTTP requires wherever GET is answered
// (RFC 9110, 9.1): every such probe was a 405.
public class when_a_client_asks_only_for_the_headers(AppFixture app)
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/")]
    public async Task what_anyone_may_read_answers_head_with_the_status_and_type_of_its_get(string route)
    {
        var get = await app.Host.Scenario(s => { s.Get.Url(route); s.WithRequestHeader(AppFixture.ApiKeyHeader, ""); });

        var head = await app.Host.Scenario(s => { s.Head.Url(route); s.WithRequestHeader(AppFixture.ApiKeyHeader, ""); });

        head.Context.Response.StatusCode.ShouldBe(200);
        head.Context.Response.ContentType.ShouldBe(get.Context.Response.ContentType);
    }

    [Fact]
    public async Task a_customer_read_answers_head_as_its_get_and_asks_for_the_key_as_its_get_does()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1) });

        var head = await app.Host.Scenario(s => s.Head.Url($"/api/customers/{customer}/timeline"));
        var withoutKey = await app.Host.Scenario(s =>
        {
            s.Head.Url($"/api/customers/{customer}/timeline");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, "");
            s.IgnoreStatusCode();
        });
        var unknown = await app.Host.Scenario(s => { s.Head.Url($"/api/customers/{Ids.Customer()}/timeline"); s.IgnoreStatusCode(); });

        head.Context.Response.StatusCode.ShouldBe(200);
        head.Context.Response.ContentType.ShouldBe("application/json; charset=utf-8");
        withoutKey.Context.Response.StatusCode.ShouldBe(401);
        unknown.Context.Response.StatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task a_route_that_only_takes_posts_still_refuses_head()
    {
        var head = await app.Host.Scenario(s => { s.Head.Url("/api/touchpoints"); s.IgnoreStatusCode(); });

        head.Context.Response.StatusCode.ShouldBe(405);
        head.Context.Response.Headers.Allow.ToString().ShouldBe("POST");
    }
}
