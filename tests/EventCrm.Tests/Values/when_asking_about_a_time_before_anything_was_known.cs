using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>One customer recorded, then the first model fitted: two moments of knowledge to ask before.</summary>
public sealed class PastKnowledgeHost() : SchemaHost("eventcrm_past_knowledge")
{
    public DateTimeOffset CustomerRecordedAt { get; private set; }
    public DateTimeOffset ModelFittedAt { get; private set; }

    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(new[] { SignUp("p-1", Jan1), Purchase("p-1", Jan1.AddDays(10), 100m, 30m) });
        CustomerRecordedAt = (await Host.TimelineEntries("p-1"))[^1]!["recordedAt"]!.GetValue<DateTimeOffset>();
        ModelFittedAt = (await Host.PostJson("/api/models/refit", new { }, 201))["fittedAt"]!.GetValue<DateTimeOffset>();
    }
}

/// <summary>
/// A read of a past knowledge time says what was not known then, and when it became known: not
/// that the customer does not exist, nor that a model should be fitted (one was, later).
/// </summary>
public class when_asking_about_a_time_before_anything_was_known(PastKnowledgeHost app) : IClassFixture<PastKnowledgeHost>
{
    private static string Query(DateTimeOffset moment) => Uri.EscapeDataString(moment.ToString("O"));

    [Fact]
    public async Task the_model_read_says_none_was_fitted_by_then_and_when_the_first_was()
    {
        var problem = await app.Host.GetJson("/api/models/current?knownAt=2000-01-01", 404);

        var detail = problem["detail"]!.GetValue<string>();
        detail.ShouldContain("No model had been fitted by knownAt 2000-01-01T23:59:59.9999999+00:00");
        detail.ShouldContain($"the first was fitted at {app.ModelFittedAt:O}");
    }

    [Fact]
    public async Task the_value_read_says_the_customer_was_not_known_yet_and_when_it_became_known()
    {
        var problem = await app.Host.GetJson("/api/customers/p-1/value?knownAt=2000-01-01", 404);
        var history = await app.Host.GetJson("/api/customers/p-1/value-history?knownAt=2000-01-01", 404);

        problem["detail"]!.GetValue<string>().ShouldContain("Customer 'p-1' was not known at knownAt 2000-01-01");
        problem["detail"]!.GetValue<string>().ShouldContain($"its first touchpoint was recorded at {app.CustomerRecordedAt:O}");
        history["detail"]!.GetValue<string>().ShouldContain("was not known at knownAt");
        (await app.Host.GetJson("/api/customers/p-nobody/value", 404))["detail"]!.GetValue<string>().ShouldBe("No customer 'p-nobody'.");
    }

    [Fact]
    public async Task a_value_needing_the_model_before_the_first_fit_says_none_was_known_then_not_to_refit()
    {
        // Known at the moment its last touchpoint was recorded: the customer, but no model yet.
        var problem = await app.Host.GetJson($"/api/customers/p-1/value?formula=bgnbd-gg@0&knownAt={Query(app.CustomerRecordedAt)}", 409);

        var detail = problem["detail"]!.GetValue<string>();
        detail.ShouldContain("No portfolio model was known at knownAt");
        detail.ShouldNotContain("refit");
    }
}
