using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: no other scenario registers formulas or starts replays there while these count them.</summary>
public sealed class RequestBodiesHost() : SchemaHost("eventcrm_request_bodies");

/// <summary>
/// The bodies of POST /api/formulas and POST /api/replays are read field by field, like a
/// touchpoint's: a typo, a string for a number or JSON that does not parse is a 400 naming the
/// field, and nothing is registered or started.
/// </summary>
public class when_a_formula_or_replay_request_is_misspelt(RequestBodiesHost app) : IClassFixture<RequestBodiesHost>
{
    private async Task<int> FormulaVersions() => (await app.Host.GetJson("/api/formulas"))["versions"]!.AsArray().Count;

    private async Task<long> Replays() => (await app.Host.GetJson("/api/replays"))["total"]!.GetValue<long>();

    private static void ShouldBeACleanProblem(JsonNode problem)
    {
        problem["type"]!.GetValue<string>().ShouldStartWith("https://tools.ietf.org/html/rfc9110");
        problem.ToJsonString().ShouldNotContain("System.");
    }

    [Fact]
    public async Task a_misspelt_field_of_a_formula_is_named_and_nothing_is_registered()
    {
        var before = await FormulaVersions();

        var misspelt = await app.Host.PostRaw("/api/formulas", """{"name":"simple-clv","parameter":{"lifetimeYears":3}}""", 400);
        var asText = await app.Host.PostRaw("/api/formulas", """{"name":"simple-clv","parameters":{"lifetimeYears":"3"}}""", 400);

        misspelt.ErrorKeys().ShouldBe(["parameter"]);
        misspelt["errors"]!["parameter"]![0]!.GetValue<string>().ShouldContain("name, parameters");
        asText.ErrorKeys().ShouldBe(["parameters.lifetimeYears"]);
        asText["errors"]!["parameters.lifetimeYears"]![0]!.GetValue<string>().ShouldContain("must be a number");
        (await FormulaVersions()).ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"name":"simple-clv","parameters":{"lifetimeYears":null}}""", "parameters.lifetimeYears")]
    [InlineData("""{"name":"simple-clv","parameters":{"lifetimeYears":1e30}}""", "parameters.lifetimeYears")]
    [InlineData("""{"name":"simple-clv","parameters":[1]}""", "parameters")]
    [InlineData("""{"name":7}""", "name")]
    [InlineData("""{"name":"\ud800"}""", "name")]                                  // half a surrogate pair: no text .NET can hold
    [InlineData("""{"name":"simple-clv","parameters":{"\ud800":1}}""", "parameters")]
    [InlineData("""{"\ud800":1}""", "body")]
    [InlineData("""{"name":"simple-clv",""", "body")]
    [InlineData("""["simple-clv"]""", "body")]
    public async Task a_formula_body_that_does_not_read_is_a_clean_400_naming_the_field(string body, string field)
    {
        var before = await FormulaVersions();

        var problem = await app.Host.PostRaw("/api/formulas", body, 400);

        problem.ErrorKeys().ShouldBe([field]);
        ShouldBeACleanProblem(problem);
        (await FormulaVersions()).ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"formula":"retention-ltv@0","as_of":"2025-01-01"}""", "as_of")]
    [InlineData("""{"formula":"retention-ltv@0","asOf":20250101}""", "asOf")]
    [InlineData("""{"formula":["retention-ltv@0"]}""", "formula")]
    [InlineData("""{"formula":"retention-ltv@0" """, "body")]
    public async Task a_replay_body_that_does_not_read_is_a_400_naming_the_field_and_starts_nothing(string body, string field)
    {
        var before = await Replays();

        var problem = await app.Host.PostRaw("/api/replays", body, 400);

        problem.ErrorKeys().ShouldBe([field]);
        ShouldBeACleanProblem(problem);
        (await Replays()).ShouldBe(before);
    }
}
