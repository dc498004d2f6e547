using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// asOf and knownAt are exactly yyyy-MM-dd (the end of that day, UTC) or an ISO 8601 date and
/// time; every other spelling a lenient parser would guess at is refused, naming the parameter.
/// </summary>
public class when_a_moment_is_read(AppFixture app)
{
    // Signed up on 1 January 2025 at 09:00 UTC; a purchase of 100 on 11 January at 09:00 UTC.
    private async Task<string> CustomerWithAPurchase()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(10), 100m, 30m) });
        return customer;
    }

    private async Task<decimal> RevenueAsOf(string customer, string asOf) =>
        (await app.Host.GetJson($"/api/customers/{customer}/value?asOf={asOf}"))["historical"]!["revenue"]!.GetValue<decimal>();

    [Fact]
    public async Task every_accepted_form_is_the_moment_it_spells()
    {
        var customer = await CustomerWithAPurchase();

        (await RevenueAsOf(customer, "2025-01-11")).ShouldBe(100m);                         // the end of that day
        (await RevenueAsOf(customer, "2025-01-10")).ShouldBe(0m);
        (await RevenueAsOf(customer, "2025-01-11T09:00")).ShouldBe(100m);                   // no offset: UTC
        (await RevenueAsOf(customer, "2025-01-11T08:59:59.9999999Z")).ShouldBe(0m);         // 100 ns before the purchase
        (await RevenueAsOf(customer, "2025-01-11T10:00:00%2B01:00")).ShouldBe(100m);        // 10:00+01:00 = 09:00Z
        (await RevenueAsOf(customer, "2025-01-11T09:59:59-01:00")).ShouldBe(100m);          // 10:59:59Z
        (await RevenueAsOf(customer, "2025-01-11T09:59:59.5%2B01:00")).ShouldBe(0m);        // 08:59:59.5Z, half a second before
    }

    [Theory]
    [InlineData("04/01/2025")]                        // US order or not: nobody can tell
    [InlineData("10:00")]                             // today at 10:00
    [InlineData("May 2025")]
    [InlineData("2025-05")]
    [InlineData("2025-12-31%2B01:00")]                // a date with an offset: neither a date nor a date and time
    [InlineData("2025-01-11T09:00:00.12345678Z")]     // 8 fraction digits: more than the 100 ns kept
    [InlineData("2025-1-11")]
    [InlineData("2025-01-11 09:00")]
    public async Task any_other_spelling_of_as_of_or_known_at_is_a_400_saying_the_accepted_forms(string text)
    {
        var customer = await CustomerWithAPurchase();

        var asOf = await app.Host.GetJson($"/api/customers/{customer}/value?asOf={text}", 400);
        var knownAt = await app.Host.GetJson($"/api/customers/{customer}/value?knownAt={text}", 400);
        var history = await app.Host.GetJson($"/api/customers/{customer}/value-history?knownAt={text}", 400);
        var model = await app.Host.GetJson($"/api/models/current?knownAt={text}", 400);

        asOf.ErrorKeys().ShouldBe(["asOf"]);
        asOf["errors"]!["asOf"]![0]!.GetValue<string>().ShouldContain("yyyy-MM-ddTHH:mm");
        knownAt.ErrorKeys().ShouldBe(["knownAt"]);
        history.ErrorKeys().ShouldBe(["knownAt"]);
        model.ErrorKeys().ShouldBe(["knownAt"]);
    }

    [Theory]
    [InlineData("2025-02-29", "names a day that does not exist")]                                   // 2025 is not a leap year
    [InlineData("2025-02-29T10:00Z", "names a day or a time of day that does not exist")]
    [InlineData("2025-01-11T24:00", "names a day or a time of day that does not exist")]
    [InlineData("2025-01-11T10:00:00%2B15:00", "has an offset beyond ±14:00")]
    [InlineData("2025-01-11T10:00:00-14:30", "has an offset beyond ±14:00")]
    [InlineData("2025-01-11T10:00:00%2B01:60", "has an offset whose minutes are not 00 to 59")]
    [InlineData("0001-01-01T00:00:00%2B01:00", "falls outside the years 0001 to 9999 once its offset is applied")] // 31 December of year 0, UTC
    public async Task a_moment_of_the_right_form_that_names_no_moment_is_a_400_saying_why(string text, string why)
    {
        var customer = await CustomerWithAPurchase();

        var asOf = await app.Host.GetJson($"/api/customers/{customer}/value?asOf={text}", 400);
        var knownAt = await app.Host.GetJson($"/api/customers/{customer}/value-history?knownAt={text}", 400);

        asOf["errors"]!["asOf"]![0]!.GetValue<string>().ShouldStartWith(why);
        asOf["errors"]!["asOf"]![0]!.GetValue<string>().ShouldContain("it must be yyyy-MM-dd");
        knownAt["errors"]!["knownAt"]![0]!.GetValue<string>().ShouldStartWith(why);
    }

    [Fact]
    public async Task today_s_date_is_the_end_of_today_and_a_day_to_come_is_refused()
    {
        var customer = await CustomerWithAPurchase();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        // Two days ahead: still after today should the test run across midnight.
        var dayAfterTomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd");

        (await RevenueAsOf(customer, today)).ShouldBe(100m);
        // Where the day has begun first (UTC+14), the reader's own date is still today.
        (await RevenueAsOf(customer, DateTime.UtcNow.AddHours(14).ToString("yyyy-MM-dd"))).ShouldBe(100m);
        var problem = await app.Host.GetJson($"/api/customers/{customer}/value?asOf={dayAfterTomorrow}", 400);
        var moment = await app.Host.GetJson($"/api/customers/{customer}/value?asOf={dayAfterTomorrow}T00:00:00Z", 400);

        problem.ErrorKeys().ShouldBe(["asOf"]);
        problem["errors"]!["asOf"]![0]!.GetValue<string>().ShouldContain("must not be after today");
        moment.ErrorKeys().ShouldBe(["asOf"]);
    }

    [Fact]
    public async Task a_known_at_of_a_day_to_come_is_refused_as_an_as_of_is_and_today_s_date_is_still_read()
    {
        var customer = await CustomerWithAPurchase();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var dayAfterTomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd");

        // What was known at the end of today is everything recorded so far: the purchase of 100.
        var known = await app.Host.GetJson($"/api/customers/{customer}/value?asOf=2025-01-11&knownAt={today}");
        // Nothing is known at a day to come: it used to answer today's figures labelled with that date.
        var value = await app.Host.GetJson($"/api/customers/{customer}/value?asOf=2025-01-11&knownAt={dayAfterTomorrow}", 400);
        var moment = await app.Host.GetJson($"/api/customers/{customer}/value?knownAt={dayAfterTomorrow}T00:00:00Z", 400);
        var history = await app.Host.GetJson($"/api/customers/{customer}/value-history?knownAt={dayAfterTomorrow}", 400);
        var model = await app.Host.GetJson($"/api/models/current?knownAt={dayAfterTomorrow}", 400);

        known["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(100m);
        foreach (var problem in new[] { value, moment, history, model })
        {
            problem.ErrorKeys().ShouldBe(["knownAt"]);
            problem["errors"]!["knownAt"]![0]!.GetValue<string>().ShouldContain("must not be after today");
        }
    }

    [Fact]
    public async Task a_plus_sent_unencoded_is_refused_with_the_advice_to_send_it_as_percent_2b()
    {
        var customer = await CustomerWithAPurchase();

        // A + not percent-encoded in a query string is read as a space.
        var problem = await app.Host.GetJson($"/api/customers/{customer}/value?asOf=2025-01-04T10:36:00+01:00", 400);

        problem["errors"]!["asOf"]![0]!.GetValue<string>().ShouldContain("%2B");
    }
}
