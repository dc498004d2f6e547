using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// After an outcome (recorded, or refused as no longer answerable) the panel is read again and drawn anew: the confirm the
/// keyboard was on went with it, and the keyboard fell to the page's body for 70-310 ms before the panel's heading took it
/// (until 2026-12-07): a screen reader said nothing or "document", and its reading place went to the page's start. The
/// keyboard goes to the heading before the panel is drawn again, and is on the body at no moment in between. The service's
/// decision and its answer to the outcome are given in its place: nothing is recorded.
/// </summary>
public class when_an_outcome_is_recorded_by_keyboard(BrowserFixture app)
{
    private const string Client = ScenarioData.Gamma, Name = ScenarioData.GammaName;

    [Theory]
    [InlineData("offer-made", "Accept offer", 201, "Offer accepted.")]
    [InlineData("offer-made", "Decline offer", 201, "Offer declined.")]
    [InlineData("not-assessed", "Client stays", 201, "The client stays: request withdrawn.")]
    [InlineData("not-assessed", "The client left", 201, "Departure recorded.")]
    [InlineData("offer-made", "Accept offer", 404, "This offer can no longer be answered")]
    public async Task the_keyboard_goes_to_the_retention_heading_and_never_to_the_page_body(string decision, string outcome, int answer, string said)
    {
        await app.WithDesk($"{nameof(the_keyboard_goes_to_the_retention_heading_and_never_to_the_page_body)}-{outcome}-{answer}", async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, decision)));
            await desk.Page.RouteAsync("**/api/touchpoints", route => route.FulfillAsync(answer == 201
                ? new() { Status = 201, ContentType = "application/json", Body = "{}" }
                : FakeAnswers.OfferNoLongerOpen(Client)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);
            await desk.Outcome(outcome).FocusAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(desk.Confirm).ToBeVisibleAsync();

            await Watch.KeyboardOnTheBody(desk.Page);
            await desk.Confirm.PressAsync("Enter");

            await Expect(answer == 201 ? desk.Page.Locator("#status") : desk.Error).ToContainTextAsync(said);
            await Expect(desk.RetentionHeading).ToBeFocusedAsync();
            await Expect(desk.Confirm).ToHaveCountAsync(0);
            (await Watch.TimesOnTheBody(desk.Page)).ShouldBeEmpty("the keyboard was on the page's body during the redraw");
        });
    }
}
