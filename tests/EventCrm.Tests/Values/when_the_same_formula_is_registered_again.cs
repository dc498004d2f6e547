using System.Net;
using System.Net.Http.Json;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: the scenarios count every registration in the formula registry.</summary>
public sealed class FormulaTwinsHost() : SchemaHost("eventcrm_formula_twins");

// A script retried after a timeout, or a second click, registers the same parameters again: versions
// are immutable, so a copy of the latest would only be a second name for the same formula.
public class when_the_same_formula_is_registered_again(FormulaTwinsHost app) : IClassFixture<FormulaTwinsHost>
{
    [Fact]
    public async Task the_latest_version_holding_those_parameters_is_answered_and_nothing_is_recorded()
    {
        var before = await RegistryEvents();
        var first = await app.Host.PostJson("/api/formulas", new { name = "retention-ltv", parameters = new { retentionRate = 0.8m, discountRate = 0.1m } }, 201);
        var version = first["version"]!.GetValue<int>();

        // The same parameters, in another order and written with other digits, are the same numbers.
        var again = await app.Host.Scenario(s =>
        {
            s.Post.Json(new { name = "retention-ltv", parameters = new { discountRate = 0.10m, retentionRate = 0.800m } }).ToUrl("/api/formulas");
            s.StatusCodeShouldBe(200);
            s.Header("Location").SingleValueShouldEqual($"/api/formulas/retention-ltv@{version}");
        });
        var answer = await again.ReadAsJsonAsync<FormulaAnswer>();
        answer.ShouldBe(new FormulaAnswer("retention-ltv", version, new() { ["retentionRate"] = 0.8m, ["discountRate"] = 0.1m }), new FormulaAnswerComparer());
        (await RegistryEvents()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task parameters_differing_by_one_value_or_one_name_are_a_new_version()
    {
        var first = await app.Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4m } }, 201);
        var v = first["version"]!.GetValue<int>();

        (await app.Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4.5m } }, 201))["version"]!.GetValue<int>().ShouldBe(v + 1);
        (await app.Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4.5m, purchasesPerYear = 3m } }, 201))["version"]!.GetValue<int>().ShouldBe(v + 2);
        // Only the latest counts: going back to the first parameters makes them the latest again,
        // which is what a bare name ("simple-clv") then reads.
        (await app.Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4m } }, 201))["version"]!.GetValue<int>().ShouldBe(v + 3);
        (await app.Host.GetJson("/api/formulas/simple-clv"))["version"]!.GetValue<int>().ShouldBe(v + 3);
    }

    [Fact]
    public async Task registrations_of_the_same_parameters_racing_each_other_leave_one_version()
    {
        var before = await RegistryEvents();
        var body = new { name = "waland-cole", parameters = new { costOfCapital = 0.12m } };
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var client = app.Host.Server.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", AppFixture.AdminKey);
            var response = await client.PostAsJsonAsync("/api/formulas", body);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<FormulaAnswer>())!.Version);
        }));

        answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(5);
        answers.Select(a => a.Version).Distinct().Count().ShouldBe(1);
        (await RegistryEvents()).ShouldBe(before + 1);
    }

    private async Task<int> RegistryEvents()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(SystemStreams.FormulaRegistry)).Count;
    }

    private sealed record FormulaAnswer(string Name, int Version, Dictionary<string, decimal> Parameters);

    private sealed class FormulaAnswerComparer : IEqualityComparer<FormulaAnswer>
    {
        public bool Equals(FormulaAnswer? x, FormulaAnswer? y) =>
            x!.Name == y!.Name && x.Version == y.Version && x.Parameters.Count == y.Parameters.Count
            && x.Parameters.All(p => y.Parameters.TryGetValue(p.Key, out var v) && v == p.Value);

        public int GetHashCode(FormulaAnswer obj) => obj.Version;
    }
}
