using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An auditor (or a data team's key) may read the desk but not append: the decision is shown without the outcome
/// buttons, which would have ended, past their confirm, in a 403.
/// </summary>
public class when_a_key_that_may_only_read_opens_a_client_asking_to_cancel(BrowserFixture app)
{
    // Used by no other scenario; their retention is answered here, so nothing depends on the service's decisions.
    private const string Offered = "ordinary-06", OfferedName = "Ordinary Customer 06";
    private const string NotOffered = "ordinary-08", NotOfferedName = "Ordinary Customer 08";
    private const string ReadOnlyNote = "This API key may read the decision but not record its outcome (that takes a desk key).";

    [Fact]
    public async Task the_decision_is_shown_without_buttons_it_may_not_use()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_decision_is_shown_without_buttons_it_may_not_use), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Offered}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Offered, "offer-made")));
            await desk.Page.RouteAsync($"**/api/customers/{NotOffered}/retention", route => route.FulfillAsync(FakeAnswers.Retention(NotOffered, "no-offer")));
            await desk.EnterKey(auditor);

            await desk.Open(OfferedName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer of 100.00");
            await Expect(desk.Retention).ToContainTextAsync(ReadOnlyNote);
            await Expect(desk.Outcome("Accept offer")).ToHaveCountAsync(0);
            await Expect(desk.Outcome("Decline offer")).ToHaveCountAsync(0);

            await desk.Open(NotOfferedName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer");
            await Expect(desk.Retention).ToContainTextAsync(ReadOnlyNote);
            await Expect(desk.Outcome("Let the client go")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task a_desk_key_is_given_the_buttons()
    {
        var deskKey = await app.KeyWithRoles("desk");
        await app.WithDesk(nameof(a_desk_key_is_given_the_buttons), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Offered}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Offered, "offer-made")));
            await desk.EnterKey(deskKey);

            await desk.Open(OfferedName);
            await Expect(desk.Outcome("Accept offer")).ToBeVisibleAsync();
            await Expect(desk.Outcome("Decline offer")).ToBeVisibleAsync();
            await Expect(desk.Retention).Not.ToContainTextAsync(ReadOnlyNote);
        });
    }

    [Fact]
    public async Task a_key_whose_roles_cannot_be_told_for_a_moment_is_still_given_the_buttons()
    {
        var deskKey = await app.KeyWithRoles("desk");
        await app.WithDesk(nameof(a_key_whose_roles_cannot_be_told_for_a_moment_is_still_given_the_buttons), async desk =>
        {
            // The service decides at the confirm anyway: a desk must not lose its buttons to a moment's failure.
            await desk.Page.RouteAsync("**/api/keys/me", route => route.FulfillAsync(new() { Status = 500, ContentType = "application/problem+json", Body = "{\"title\":\"boom\",\"status\":500}" }));
            await desk.Page.RouteAsync($"**/api/customers/{Offered}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Offered, "offer-made")));
            await desk.EnterKey(deskKey);

            await desk.Open(OfferedName);
            await Expect(desk.Outcome("Accept offer")).ToBeVisibleAsync();
            await Expect(desk.Retention).Not.ToContainTextAsync(ReadOnlyNote);
        });
    }
}
