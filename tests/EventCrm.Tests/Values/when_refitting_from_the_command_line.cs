using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: the refit records a model, which every value read of the schema then uses.</summary>
public sealed class RefitCommandHost() : SchemaHost(SchemaName)
{
    public const string SchemaName = "eventcrm_refit_command";

    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("refit-a", new DateTimeOffset(2025, 1, 10, 9, 0, 0, TimeSpan.Zero)),
        Purchase("refit-a", new DateTimeOffset(2025, 2, 10, 9, 0, 0, TimeSpan.Zero), amount: 120m, margin: 40m),
        SignUp("refit-b", new DateTimeOffset(2025, 3, 5, 9, 0, 0, TimeSpan.Zero)),
        // Signs up after the date the refit is asked for: not a customer yet on that date.
        SignUp("refit-c", new DateTimeOffset(2025, 8, 1, 9, 0, 0, TimeSpan.Zero)),
    });
}

public class when_refitting_from_the_command_line(RefitCommandHost refit) : IClassFixture<RefitCommandHost>
{
    [Fact]
    public async Task clv_refit_fits_the_customers_known_at_the_date_and_records_the_model()
    {
        var environment = new Dictionary<string, string> { ["Marten__Schema"] = RefitCommandHost.SchemaName };

        var (exit, output, errors) = await HostCommandLine.Run(environment, "clv-refit", "--as-of", "2025-06-30");

        exit.ShouldBe(0, errors);
        output.ShouldContain("Fitted over 2 customers as of 2025-06-30");
        var current = await refit.Host.GetJson("/api/models/current");
        current["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2025, 6, 30, 23, 59, 59, TimeSpan.Zero), TimeSpan.FromSeconds(1));
        current["fittedAt"].ShouldNotBeNull();
        // A from Jan 10 09:00 and B from Mar 5 09:00 to Jun 30 23:59:59: 171.625 + 117.625 = 289.25 days,
        // 0.79 customer-years without a churn, so e^0 capped at 0.99; margin 40 of revenue 120.
        current["model"]!["annualRetentionRate"]!.GetValue<decimal>().ShouldBe(0.99m);
        current["model"]!["marginShare"]!.GetValue<decimal>().ShouldBe(0.3333m, 0.0001m);
        await using var session = refit.Store.QuerySession();
        var fitted = (await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel))[^1];
        fitted.GetHeader(AppendContext.AppendedByHeader)?.ToString().ShouldBe(AppendContext.System);
        var recorded = fitted.Data.ShouldBeOfType<EventCrm.Relationship.Value.PortfolioModelFitted>();
        (recorded.Customers, recorded.Churns, recorded.CustomerYears).ShouldBe((2, 0, 0.79m));
        fitted.CorrelationId.ShouldStartWith("clv-refit-");
        fitted.CausationId.ShouldBe(fitted.CorrelationId);
    }

    [Fact]
    public async Task clv_refit_refuses_a_date_it_cannot_read()
    {
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = RefitCommandHost.SchemaName },
            "clv-refit", "--as-of", "last tuesday");

        exit.ShouldNotBe(0);
        errors.ShouldContain("clv-refit: --as-of: 'last tuesday' is not a date");
        output.ShouldNotContain("--as-of");
    }

    /// <summary>
    /// As POST /api/models/refit answers 400 for an asOf in the future. The command used to fit and
    /// record it (found with clv-refit --as-of 2030-01-01 on the demo base), and that model of a date
    /// to come then valued every customer.
    /// </summary>
    [Fact]
    public async Task clv_refit_refuses_a_date_in_the_future_and_records_nothing()
    {
        await using var session = refit.Store.QuerySession();
        var before = (await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel)).Count;
        var future = DateTimeOffset.UtcNow.AddYears(1).ToString("yyyy-MM-dd");

        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = RefitCommandHost.SchemaName },
            "clv-refit", "--as-of", future);

        exit.ShouldNotBe(0, output);
        errors.ShouldContain($"clv-refit: --as-of: '{future}' must not be after today");
        output.ShouldNotContain("Fitted over");
        (await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel)).Count.ShouldBe(before);
    }

    /// <summary>
    /// As POST /api/models/refit answers 422: a refit as of a day before the first purchase (10 February 2025; refit-a
    /// had signed up on 10 January) would fit on nothing and be put in force.
    /// </summary>
    [Fact]
    public async Task clv_refit_refuses_a_date_before_the_first_purchase_and_records_nothing()
    {
        await using var session = refit.Store.QuerySession();
        var before = (await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel)).Count;

        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = RefitCommandHost.SchemaName },
            "clv-refit", "--as-of", "2025-02-09");

        exit.ShouldNotBe(0, output);
        errors.ShouldContain("clv-refit: --as-of: no purchase had occurred by 2025-02-09T23:59:59.9999999+00:00");
        errors.ShouldContain("the first purchase recorded occurred at 2025-02-10T09:00:00.0000000+00:00");
        output.ShouldNotContain("Fitted over");
        (await session.Events.FetchStreamAsync(SystemStreams.PortfolioModel)).Count.ShouldBe(before);
    }

    /// <summary>Today's date (its end, still to come) fits the model as of now, as no --as-of would.</summary>
    [Fact]
    public async Task clv_refit_as_of_today_fits_as_of_now()
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");

        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = RefitCommandHost.SchemaName },
            "clv-refit", "--as-of", today);

        exit.ShouldBe(0, errors + output);
        output.ShouldContain($"as of {today}");
    }
}
