using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The audit page said a stream's first mismatch alone: an auditor who found one altered event could not tell whether it
/// was the only one. The service now answers every mismatch of a stream (the first 100, and how many in all); the page
/// says the first as before, then lists them, and says how many on the status line. The service's answers are given
/// here as it gives them for a stream whose events 3 and 5 were altered (nothing is altered in the seed).
/// </summary>
public class when_an_auditor_finds_several_mismatches_in_a_stream(BrowserFixture app)
{
    private const string Differs = "the event differs from what was sealed";

    private static JsonObject Mismatch(long sequence, long version, string? touchpointId = null) =>
        new() { ["sequence"] = sequence, ["version"] = version, ["touchpointId"] = touchpointId, ["problem"] = Differs };

    private static JsonObject IntactInput(string streamId) => new()
    {
        ["streamId"] = streamId, ["valid"] = true, ["checked"] = 1, ["unsealed"] = 0, ["firstMismatch"] = null,
        ["mismatches"] = new JsonArray(), ["mismatchCount"] = 0,
    };

    [Fact]
    public async Task a_customer_s_altered_events_are_each_listed_after_the_first_said_as_before()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_customer_s_altered_events_are_each_listed_after_the_first_said_as_before), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync($"**/api/customers/{ScenarioData.Beta}/audit", route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = ScenarioData.Beta, ["valid"] = false, ["checked"] = 2, ["unsealed"] = 0,
                ["firstMismatch"] = Mismatch(120, 3, "t-3"),
                ["mismatches"] = new JsonArray(Mismatch(120, 3, "t-3"), Mismatch(122, 5, "t-5")), ["mismatchCount"] = 2,
                ["dependsOn"] = new JsonArray(IntactInput("system:formula-registry"), IntactInput("system:portfolio-model")),
                ["erasures"] = new JsonArray(),
            })));
            await desk.EnterKey(auditor);
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            await Expect(page.Locator("#audit-chain")).ToHaveTextAsync(
                $"Events altered: 2 events match their seals, then event 120 (version 3, touchpoint t-3): {Differs}. " +
                "2 mismatches in all, each listed below.");
            var listed = page.GetByRole(AriaRole.List, new() { Name = "Mismatches of the customer's events" });
            await Expect(listed.GetByRole(AriaRole.Listitem)).ToHaveTextAsync([
                $"Event 120 (version 3, touchpoint t-3): {Differs}.", $"Event 122 (version 5, touchpoint t-5): {Differs}."]);
            // The list appears without being read out: its count is said on the status line.
            await Expect(page.Locator("#status")).ToHaveTextAsync($"Value of {ScenarioData.Beta} shown, its events checked: 2 mismatches found in its events.");
            await Expect(page.Locator("#audit-inputs")).ToHaveTextAsync(
                "Formulas and model unaltered: formula registry: 1 sealed event matches its seal; portfolio model: 1 sealed event matches its seal.");
            await Expect(page.Locator("#audit-inputs-mismatches")).ToBeHiddenAsync();
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task the_whole_log_check_lists_the_first_hundred_mismatches_of_a_stream_and_says_how_many_are_not()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_whole_log_check_lists_the_first_hundred_mismatches_of_a_stream_and_says_how_many_are_not), async desk =>
        {
            var page = desk.Page;
            // Gamma: 150 events altered, versions 3 to 152 at sequences 120 to 269, the first 100 listed (versions 3 to 102).
            // Delta: one mismatch, said on its line as before, nothing listed under it.
            var gamma = Enumerable.Range(0, 100).Select(i => (JsonNode)Mismatch(120 + i, 3 + i)).ToArray();
            await page.RouteAsync("**/api/audit/verify", route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["valid"] = false, ["streams"] = 35, ["checked"] = 400, ["unsealed"] = 0, ["erased"] = 0,
                ["altered"] = new JsonArray(
                    new JsonObject
                    {
                        ["customerId"] = ScenarioData.Gamma, ["database"] = "main", ["firstMismatch"] = Mismatch(120, 3),
                        ["mismatches"] = new JsonArray(gamma), ["mismatchCount"] = 150,
                    },
                    new JsonObject
                    {
                        ["customerId"] = ScenarioData.Delta, ["database"] = "main", ["firstMismatch"] = Mismatch(300, 2),
                        ["mismatches"] = new JsonArray(Mismatch(300, 2)), ["mismatchCount"] = 1,
                    }),
            })));
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            await page.GetByRole(AriaRole.Button, new() { Name = "Check every customer's chain" }).ClickAsync();

            var altered = page.GetByRole(AriaRole.List, new() { Name = "Altered streams" });
            await Expect(altered.Locator(":scope > li").First).ToContainTextAsync(
                $"{ScenarioData.GammaName} ({ScenarioData.Gamma}) (database main): event 120, version 3: {Differs}. 150 mismatches in all: the first 100 are listed below, the other 50 are not.");
            var gammas = altered.GetByRole(AriaRole.List, new() { Name = $"Mismatches of {ScenarioData.Gamma}" }).GetByRole(AriaRole.Listitem);
            await Expect(gammas).ToHaveCountAsync(100);
            await Expect(gammas.First).ToHaveTextAsync($"event 120, version 3: {Differs}");
            await Expect(gammas.Last).ToHaveTextAsync($"event 219, version 102: {Differs}");
            await Expect(altered.Locator(":scope > li").Last).ToHaveTextAsync($"{ScenarioData.DeltaName} ({ScenarioData.Delta}) (database main): event 300, version 2: {Differs}");
            // 150 + 1 mismatches in 2 streams.
            await Expect(page.Locator("#status")).ToHaveTextAsync("Some chains do not hold: 151 mismatches found in 2 streams.");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }
}
