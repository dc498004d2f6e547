using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>Seed 000, Beta: a client who costs more than it brings asks to leave; no effort is spent to keep it.</summary>
public class when_a_low_value_client_asks_to_cancel(BrowserFixture app)
{
    [Fact]
    public async Task the_desk_sees_that_no_offer_is_recommended_and_why()
    {

        await app.WithDesk(nameof(when_a_low_value_client_asks_to_cancel), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.BetaName);

            await Expect(desk.State).ToHaveTextAsync("Cancellation requested");
            await Expect(desk.Retention).ToContainTextAsync("too expensive");
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer", new() { Timeout = 30_000 });
            await Expect(desk.Retention.Locator(".why")).Not.ToBeEmptyAsync();
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Accept offer" })).ToHaveCountAsync(0);
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-not-offered");
        });
    }

    [Fact]
    public async Task a_desk_user_lets_the_client_go_and_it_leaves_the_work_list()
    {
        var deskKey = await app.KeyWithRoles("desk");
        await app.WithDesk(nameof(a_desk_user_lets_the_client_go_and_it_leaves_the_work_list), async desk =>
        {
            await desk.EnterKey(deskKey);
            var workList = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(workList.GetByRole(AriaRole.Button, new() { Name = ScenarioData.EpsilonName })).ToBeVisibleAsync();
            await desk.Open(ScenarioData.EpsilonName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer", new() { Timeout = 30_000 });

            await desk.Outcome("Let the client go").ClickAsync();
            await Expect(desk.Question).ToContainTextAsync($"Let {ScenarioData.EpsilonName} go without an offer? The client will be recorded as churned.");
            await desk.Confirm.ClickAsync();

            await Expect(desk.State).ToHaveTextAsync("Churned");
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "churned");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(workList.GetByRole(AriaRole.Button, new() { Name = ScenarioData.EpsilonName })).ToHaveCountAsync(0);
            await Expect(desk.Error).ToBeHiddenAsync();
        });
    }
}
