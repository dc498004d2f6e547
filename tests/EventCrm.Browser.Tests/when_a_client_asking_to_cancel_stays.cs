using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A client who costs more than it brings asks to cancel; the service recommends no offer, and the
/// desk talks the client out of it: "Client stays" asks first, then records the withdrawal, and the
/// client, active again, leaves the work list.
/// </summary>
public class when_a_client_asking_to_cancel_stays(BrowserFixture app)
{
    private const string Client = ScenarioData.Iota, Name = ScenarioData.IotaName;

    [Fact]
    public async Task client_stays_asks_first_then_records_the_withdrawal_and_the_client_leaves_the_work_list()
    {
        var cancellation = await AskingToCancelWithNoOffer();
        var deskKey = await app.KeyWithRoles("desk");

        await app.WithDesk(nameof(client_stays_asks_first_then_records_the_withdrawal_and_the_client_leaves_the_work_list), async desk =>
        {
            var posted = desk.TouchpointPosts();
            await desk.EnterKey(deskKey);
            var workList = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(workList.GetByRole(AriaRole.Button, new() { Name = Name })).ToBeVisibleAsync();
            await desk.Open(Name);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer", new() { Timeout = 30_000 });

            await desk.Outcome("Client stays").ClickAsync();
            await Expect(desk.Question).ToContainTextAsync(
                $"Record that {Name} stays? The request to cancel will be recorded as withdrawn and the client as active again, at no cost. This cannot be undone.");
            await Expect(desk.Outcome("Let the client go")).ToBeHiddenAsync();
            posted().ShouldBe(0);
            await desk.Confirm.ClickAsync();

            await Expect(desk.State).ToHaveTextAsync("Active");
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "cancellation-withdrawn");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(workList.GetByRole(AriaRole.Button, new() { Name = Name })).ToHaveCountAsync(0);
            await Expect(desk.Error).ToBeHiddenAsync();
            posted().ShouldBe(1);
        });

        var timeline = JsonNode.Parse(await app.Api.GetStringAsync($"/api/customers/{Client}/timeline", TestContext.Current.CancellationToken))!;
        var withdrawn = timeline["entries"]!.AsArray().Last()!;
        (withdrawn["type"]!.GetValue<string>(), withdrawn["cancellationTouchpointId"]!.GetValue<string>()).ShouldBe(("cancellation-withdrawn", cancellation));
        timeline["state"]!.GetValue<string>().ShouldBe("active");
    }

    /// <summary>The client asks to cancel now and is decided no-offer (it costs more than it brings): the request's id.</summary>
    private async Task<string> AskingToCancelWithNoOffer()
    {
        var cancellation = ScenarioData.CancellationOf(Client, DateTimeOffset.UtcNow.AddMinutes(-1), "closing the bench");
        (await app.Api.PostAsJsonAsync("/api/touchpoints", cancellation)).EnsureSuccessStatusCode();
        (await app.DecisionOf(Client)).ShouldBe("no-offer");
        return cancellation["touchpointId"]!.GetValue<string>();
    }
}
