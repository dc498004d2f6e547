using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// PostgreSQL text cannot hold U+0000: a query string's %00 that reached the database as a
/// parameter failed there (22021) and came back as a 500. Each such text is refused first, by name.
/// </summary>
public class when_query_text_holds_a_nul(AppFixture app)
{
    [Theory]
    [InlineData("/api/customers?search=a%00b", "search")]
    [InlineData("/api/events?customerId=c%00", "customerId")]
    [InlineData("/api/replays?formula=simple-clv%00", "formula")]
    [InlineData("/api/replays?formula=%00@1", "formula")]
    public async Task the_request_is_a_400_naming_the_parameter(string url, string parameter)
    {
        var problem = await app.Host.GetJson(url, 400);

        problem.ErrorKeys().ShouldBe([parameter]);
        problem["errors"]![parameter]![0]!.GetValue<string>().ShouldContain("U+0000");
    }
}
