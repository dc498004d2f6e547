using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: the scenario counts every choice of the formula in force.</summary>
public sealed class FormulaChoiceHost() : SchemaHost("eventcrm_formula_choice");

// Choosing the formula that is in force already changes nothing: recording it again would only say
// it took force later than it did, and append a choice per click or per retried script.
public class when_the_formula_in_force_is_chosen_again(FormulaChoiceHost app) : IClassFixture<FormulaChoiceHost>
{
    [Fact]
    public async Task nothing_is_recorded_and_the_answer_says_since_when_it_is_in_force()
    {
        // Before any choice the built-in retention-ltv@0 is in force, since no recorded time.
        var builtIn = await app.Host.PostJson("/api/formulas/default", new { formula = "retention-ltv@0" }, 200);
        builtIn["changed"]!.GetValue<bool>().ShouldBeFalse();
        builtIn["since"].ShouldBeNull();
        (await RegistryEvents()).ShouldBe(0);

        var registered = await app.Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4m } }, 201); // 1 event
        var formula = $"simple-clv@{registered["version"]}";
        var chosen = await app.Host.PostJson("/api/formulas/default", new { formula }, 200);  // 2 events
        var recordedAt = (await app.Host.GetJson("/api/formulas"))["inForce"]!["since"]!.GetValue<DateTimeOffset>();
        chosen["changed"]!.GetValue<bool>().ShouldBeTrue();
        chosen["since"]!.GetValue<DateTimeOffset>().ShouldBe(recordedAt);
        (await RegistryEvents()).ShouldBe(2);

        // The same version again, by its reference and as the latest of its name.
        var again = await app.Host.PostJson("/api/formulas/default", new { formula }, 200);
        var latest = await app.Host.PostJson("/api/formulas/default", new { name = "simple-clv" }, 200);

        foreach (var answer in new[] { again, latest })
        {
            $"{answer["name"]}@{answer["version"]}".ShouldBe(formula);
            answer["parameters"]!["lifetimeYears"]!.GetValue<decimal>().ShouldBe(4m);
            (answer["changed"]!.GetValue<bool>(), answer["since"]!.GetValue<DateTimeOffset>()).ShouldBe((false, recordedAt));
        }
        (await RegistryEvents()).ShouldBe(2);
        var formulas = await app.Host.GetJson("/api/formulas");
        formulas["history"]!.AsArray().Count.ShouldBe(1);
        formulas["inForce"]!["since"]!.GetValue<DateTimeOffset>().ShouldBe(recordedAt);

        // Another version is a change again, as before.
        var back = await app.Host.PostJson("/api/formulas/default", new { formula = "retention-ltv@0" }, 200);
        back["changed"]!.GetValue<bool>().ShouldBeTrue();
        back["since"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(recordedAt);
        (await RegistryEvents()).ShouldBe(3);
    }

    private async Task<int> RegistryEvents()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Events.FetchStreamAsync(SystemStreams.FormulaRegistry)).Count;
    }
}
