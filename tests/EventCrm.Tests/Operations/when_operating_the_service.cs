using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

public class when_operating_the_service(AppFixture app)
{
    [Fact]
    public async Task health_reports_the_database()
    {
        var health = await app.Host.GetJson("/health");

        health["status"]!.GetValue<string>().ShouldBe("healthy");
        health["database"]!["status"]!.GetValue<string>().ShouldBe("reachable");
    }

    [Fact]
    public async Task the_openapi_document_lists_the_routes()
    {
        var document = await app.Host.GetJson("/openapi/v1.json");

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToArray();
        paths.ShouldContain("/api/touchpoints");
        paths.ShouldContain("/api/customers/{id}/timeline");
        paths.ShouldContain("/api/customers");
        paths.ShouldContain("/health");
    }

    [Theory]
    [InlineData("/api/formulas", "name", "name,parameters")]
    [InlineData("/api/replays", "formula", "asOf,formula")]
    [InlineData("/api/formulas/default", "", "formula,name,version")]
    [InlineData("/api/models/refit", "", "asOf")]
    [InlineData("/api/keys", "name,roles", "name,roles")]
    // Read field by field since 2026-12-07: described until then as Wolverine bound it, other fields allowed.
    [InlineData("/api/audit/anchor/verify", "databases", "databases,takenAt")]
    public async Task the_bodies_read_field_by_field_are_described_with_their_fields_and_no_other(string route, string required, string fields)
    {
        var document = await app.Host.GetJson("/openapi/v1.json");

        var body = document["paths"]![route]!["post"]!["requestBody"]!;
        var schema = body["content"]!["application/json"]!["schema"]!;
        (schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray() ?? [])
            .ShouldBe(required.Split(',', StringSplitOptions.RemoveEmptyEntries));
        // The refit takes "{} or no body" (docs/value.md).
        (body["required"]?.GetValue<bool>() ?? false).ShouldBe(route != "/api/models/refit");
        schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(fields.Split(','));
        schema["additionalProperties"]!.GetValue<bool>().ShouldBeFalse();
    }
}
