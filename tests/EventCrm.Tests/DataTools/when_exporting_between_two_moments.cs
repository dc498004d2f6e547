using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>from and to are ISO 8601, and only that: a date another way round is refused, never read as another day.</summary>
public class when_exporting_between_two_moments(AppFixture app)
{
    private async Task<(int Status, string Body)> Export(string query)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events?{query}");
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }

    [Theory]
    [InlineData("06/12/2026")]
    [InlineData("Dec 5 2026")]
    [InlineData("2026-12")]
    [InlineData("11:10")]
    [InlineData("2026-12-05 10:15")]
    [InlineData("2026-12-05T10")]
    [InlineData("2026-12-05T10:15:00+0100")]
    [InlineData("2026-12-05T10:15:00.12345678Z")]
    [InlineData("2026-13-05")]
    public async Task a_moment_that_is_not_iso_8601_is_400_for_from_and_for_to(string moment)
    {
        foreach (var name in new[] { "from", "to" })
        {
            var (status, body) = await Export($"{name}={Uri.EscapeDataString(moment)}&customerId=nobody");

            status.ShouldBe(400, $"{name}={moment}");
            JsonNode.Parse(body)!.ErrorKeys().ShouldBe([name]);
        }
    }

    [Theory]
    [InlineData("2026-12-05")]
    [InlineData("2026-12-05T10:15")]
    [InlineData("2026-12-05T10:15:30")]
    [InlineData("2026-12-05T10:15:30.5Z")]
    [InlineData("2026-12-05T10:15:30.1234567+01:00")]
    [InlineData("2026-12-05T10:15:30-05:30")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    public async Task an_iso_8601_date_or_date_and_time_is_accepted(string moment) =>
        (await Export($"from={Uri.EscapeDataString(moment)}&customerId=nobody")).Status.ShouldBe(200);

    [Fact]
    public async Task the_moments_bound_the_recorded_time_as_written_with_their_offset()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var recorded = JsonNode.Parse((await Export($"customerId={customer}")).Body)!["recordedAt"]!.GetValue<DateTimeOffset>();
        // The same instant a minute later, written in UTC+02:00 to the minute: 2 hours ahead on the clock.
        var after = recorded.AddMinutes(1).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-ddTHH:mmzzz");
        var before = recorded.AddMinutes(-1).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm");

        (await Export($"customerId={customer}&from={Uri.EscapeDataString(after)}")).Body.ShouldBeEmpty();
        (await Export($"customerId={customer}&from={Uri.EscapeDataString(before)}&to={Uri.EscapeDataString(after)}")).Body.ShouldContain(customer);
    }

    [Fact]
    public async Task a_bound_with_a_seventh_fraction_digit_falls_on_its_side_of_an_event_recorded_within_that_microsecond()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var recorded = JsonNode.Parse((await Export($"customerId={customer}")).Body)!["recordedAt"]!.GetValue<DateTimeOffset>();
        // The database keeps microseconds: half a microsecond (5 ticks) after the event is after it.
        var justAfter = Uri.EscapeDataString(recorded.AddTicks(5).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"));

        (await Export($"customerId={customer}&to={justAfter}")).Body.ShouldContain(customer);
        (await Export($"customerId={customer}&from={justAfter}")).Body.ShouldBeEmpty();
    }
}
