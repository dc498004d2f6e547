using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A signed up on 10 June 2025 at 09:00 UTC and bought an hour later (a refit fits on purchases: as of a moment before
/// any, it is refused), B on 30 June at noon UTC, C on 1 July at midnight UTC.
/// A schema of its own: every refit is recorded and counted.
/// </summary>
public sealed class RefitAsOfADateHost() : SchemaHost("eventcrm_refit_as_of_a_date")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("asof-a", new DateTimeOffset(2025, 6, 10, 9, 0, 0, TimeSpan.Zero)),
        Purchase("asof-a", new DateTimeOffset(2025, 6, 10, 10, 0, 0, TimeSpan.Zero)),
        SignUp("asof-b", new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.Zero)),
        SignUp("asof-c", new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero)),
    });
}

/// <summary>
/// POST /api/models/refit reads its asOf as every other moment of the API and as clv-refit does:
/// a bare date is the end of that day, UTC, a time without an offset is UTC. It used to read them
/// with System.Text.Json: a bare date was the start of that day and a time without an offset was in
/// the server's own time zone, so the same body fitted another model on a server set to New York
/// (asOf 2026-06-30T12:00:00 recorded as 12:00-04:00, 469.24 customer-years against 469.08 at 12:00Z
/// on the demo base).
/// </summary>
public class when_a_model_is_refitted_as_of_a_date(RefitAsOfADateHost refit) : IClassFixture<RefitAsOfADateHost>
{
    [Fact]
    public async Task a_bare_date_is_the_end_of_that_day_utc_and_takes_in_that_days_signups()
    {
        var fitted = await refit.Host.PostJson("/api/models/refit", new { asOf = "2025-06-30" }, 201);

        fitted["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2025, 6, 30, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999));
        // A and B (noon on the 30th), not C (1 July): 2 ledgers. Exposure to the end of the 30th:
        // A 20 days and 15 hours = 20.625 days, B 12 hours = 0.5 days; 21.125 / 365.25 = 0.0578 -> 0.06.
        // (From the start of the day: B not yet there, A 19.625 days = 0.0537 -> 0.05.)
        fitted["customers"]!.GetValue<int>().ShouldBe(2);
        fitted["customerYears"]!.GetValue<decimal>().ShouldBe(0.06m);
    }

    /// <summary>On a server in UTC the old reading gave the same; run with TZ=America/New_York it gave 12:00-04:00.</summary>
    [Fact]
    public async Task a_time_without_an_offset_is_utc()
    {
        var fitted = await refit.Host.PostJson("/api/models/refit", new { asOf = "2025-06-30T12:00" }, 201);

        fitted["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.Zero));
        fitted["asOf"]!.GetValue<string>().ShouldEndWith("+00:00");
        // B signed up at exactly that moment: counted (occurredAt <= asOf). A: 20 days and 3 hours.
        fitted["customers"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("2025-06-30T12:00:00.12345678Z", "must be yyyy-MM-dd (the end of that day, UTC)")]   // 8 fraction digits: finer than 100 ns
    [InlineData("2025-06-30T12:00:00+0100", "must be yyyy-MM-dd (the end of that day, UTC)")]       // an offset without its colon
    [InlineData("2999-01-01", "must not be after today")]
    public async Task a_moment_the_value_routes_would_refuse_fits_nothing(string asOf, string problem)
    {
        var before = await Fits();

        var refused = await refit.Host.PostJson("/api/models/refit", new { asOf }, 400);

        refused["errors"]!["asOf"]![0]!.GetValue<string>().ShouldStartWith(problem);
        (await Fits()).ShouldBe(before);
    }

    /// <summary>Today's date (its end, still to come) fits as of now, as clv-refit --as-of today does; it used to be refused as in the future.</summary>
    [Fact]
    public async Task todays_date_fits_as_of_now()
    {
        var before = DateTimeOffset.UtcNow;

        var fitted = await refit.Host.PostJson("/api/models/refit", new { asOf = before.ToString("yyyy-MM-dd") }, 201);

        fitted["asOf"]!.GetValue<DateTimeOffset>().ShouldBeInRange(before, DateTimeOffset.UtcNow);
    }

    private async Task<int> Fits()
    {
        await using var session = refit.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel)).Count;
    }
}
