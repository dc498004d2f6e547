using Alba;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Tests.Support;
using JasperFx.Events;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

/// <summary>A schema of its own: the scenario puts a formula in force and refits, which every value read of the schema then uses.</summary>
public sealed class RegistryChangesHost() : SchemaHost("eventcrm_registry_changes")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("changes-a", new DateTimeOffset(2025, 1, 10, 9, 0, 0, TimeSpan.Zero)),
        Purchase("changes-a", new DateTimeOffset(2025, 2, 10, 9, 0, 0, TimeSpan.Zero)),
    });
}

// Every live value depends on the formula in force and the model fitted: an auditor must be able
// to tell who changed them, within which conversation, as for any touchpoint.
public class when_the_formulas_and_the_model_change(RegistryChangesHost changes) : IClassFixture<RegistryChangesHost>
{
    [Fact]
    public async Task each_change_names_the_key_that_made_it_the_caller_s_correlation_id_and_its_request()
    {
        var analyst = await changes.Host.PostJson("/api/keys", new { name = "pricing analyst", roles = new[] { "data" } }, 201);
        var analystKey = analyst["key"]!.GetValue<string>();

        var registered = await Send("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4m } }, analystKey, 201);
        await Send("/api/formulas/default", new { formula = $"simple-clv@{registered["version"]}" }, AppFixture.AdminKey, 200);
        await Send("/api/models/refit", new { }, analystKey, 201);

        var registry = await Stream(SystemStreams.FormulaRegistry);
        var model = await Stream(SystemStreams.PortfolioModel);
        var (registration, putInForce, refit) = (registry[^2], registry[^1], model[^1]);

        registration.Data.ShouldBeOfType<EventCrm.Relationship.Value.FormulaVersionRegistered>();
        AppendedBy(registration).ShouldBe(analyst["id"]!.GetValue<string>());
        AppendedBy(putInForce).ShouldBe("bootstrap-admin");
        AppendedBy(refit).ShouldBe(analyst["id"]!.GetValue<string>());
        new[] { registration, putInForce, refit }.ShouldAllBe(e => e.CorrelationId == "quarterly-review");
        new[] { registration.CausationId, putInForce.CausationId, refit.CausationId }.Distinct().Count().ShouldBe(3);
        new[] { registration, putInForce, refit }.ShouldAllBe(e => !string.IsNullOrEmpty(e.CausationId) && e.CausationId != "quarterly-review");
    }

    private async Task<System.Text.Json.Nodes.JsonNode> Send(string url, object body, string key, int status)
    {
        var result = await changes.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.WithRequestHeader("X-Correlation-Id", "quarterly-review");
            s.StatusCodeShouldBe(status);
        });
        return System.Text.Json.Nodes.JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    private async Task<IReadOnlyList<IEvent>> Stream(string id)
    {
        await using var session = changes.Store.QuerySession();
        return await session.Events.FetchStreamAsync(id);
    }

    private static string? AppendedBy(IEvent e) => e.GetHeader(AppendContext.AppendedByHeader)?.ToString();
}
