using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The service refuses touchpoints dated more than 5 minutes after its own clock. A desk computer
/// whose clock runs an hour ahead still records its answers, dated by the service's clock.
/// </summary>
public class when_the_desk_computer_clock_runs_ahead(BrowserFixture app)
{
    [Fact]
    public async Task the_answer_is_recorded_and_dated_by_the_service_clock()
    {
        await app.WithDesk(nameof(when_the_desk_computer_clock_runs_ahead), async desk =>
        {
            await desk.Page.Clock.InstallAsync(new() { TimeDate = DateTime.UtcNow.AddHours(1) });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.ThetaName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer", new() { Timeout = 30_000 });

            var pressed = DateTimeOffset.UtcNow;
            await desk.Record("Accept offer");

            await Expect(desk.State).ToHaveTextAsync("Retained");
            await Expect(desk.Error).ToBeHiddenAsync();
            var timeline = JsonNode.Parse(await app.Api.GetStringAsync($"/api/customers/{ScenarioData.Theta}/timeline"))!;
            var accepted = timeline["entries"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "retention-offer-accepted")!;
            var answeredAt = DateTimeOffset.Parse(accepted["occurredAt"]!.GetValue<string>());
            // The header gives whole seconds and the page adds half of one: within a few seconds of the
            // click by the test's clock (the service's), an hour away from the page's.
            (answeredAt - pressed).Duration().ShouldBeLessThan(TimeSpan.FromSeconds(30));
        });
    }
}
