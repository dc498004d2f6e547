using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>A policy the desk could not apply stops the service at its start, naming the setting, instead of failing each cancellation later.</summary>
public class when_the_retention_policy_is_misconfigured
{
    [Theory]
    [InlineData("Retention__OfferLifetime", "7d", "Retention:OfferLifetime")]
    [InlineData("Retention__OfferLifetime", "-1.00:00:00", "Retention:OfferLifetime")]
    [InlineData("Retention__OfferCapShare", "1.5", "Retention:OfferCapShare")]
    // No window: no offer accepted would ever count against the cap. (Said as the setting's own refusal, not as a key unknown.)
    [InlineData("Retention__CapWindow", "0.00:00:00", "Retention:CapWindow must be at least a day")]
    [InlineData("Retention__CapWindow", "0.12:00:00", "Retention:CapWindow must be at least a day")] // the desk would read "(0 days)"
    [InlineData("Retention__CapWindow", "1y", "'1y' at 'Retention:CapWindow'")]
    [InlineData("Retention__RequestsAssessedWithin", "00:00:00", "Retention:RequestsAssessedWithin")] // every request would be history
    [InlineData("Retention__Tiers__0__Share", "0", "Retention:Tiers:0:Share")]
    [InlineData("Retention__Tiers", "gold", "Retention:Tiers")]                       // a value where a list of tiers goes
    [InlineData("Retention__Tiers__0", "gold", "Retention:Tiers:0")]
    [InlineData("Retention__OfferLifespan", "3.00:00:00", "Retention:OfferLifespan")]  // misspelt: ignored, the default would apply
    [InlineData("Retention__Tiers__0__Cut", "0.5", "Retention:Tiers:0:Cut")]
    public Task the_service_does_not_start_and_names_the_setting(string variable, string value, string key) =>
        DoesNotStart(key, (variable, value));

    /// <summary>A tier without From was taken as from 0: "gold tier (current value from 0)", half the cap for every client.</summary>
    [Fact]
    public Task a_tier_without_its_start_stops_the_service_naming_it() =>
        DoesNotStart("Retention:Tiers:0:From is required", ("Retention__Tiers__0__Name", "gold"), ("Retention__Tiers__0__Share", "0.5"));

    private static async Task DoesNotStart(string key, params (string Variable, string Value)[] settings)
    {
        var environment = new Dictionary<string, string> { ["Marten__Schema"] = "eventcrm_retention_settings", ["Urls"] = "http://127.0.0.1:0" };
        foreach (var (variable, value) in settings) environment[variable] = value;

        var (exit, _, errors) = await HostCommandLine.Run(environment);

        // One line naming the setting, exit code 1: not the runtime's stack trace and abort (134).
        // (Standard output is the service's log, which records the failed start in its own way.)
        exit.ShouldBe(1, errors);
        errors.Trim().ShouldStartWith("EventCrm did not start: ");
        errors.ShouldContain(key);
        errors.Trim().Split('\n').Length.ShouldBe(1, errors);
    }
}
