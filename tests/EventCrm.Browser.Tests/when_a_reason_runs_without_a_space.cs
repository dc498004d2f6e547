using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A client gives as its reason to cancel a pasted link, or words joined by hyphens that end in a long run of one letter:
/// text without a space to break at. On a 375 px phone the retention panel's reason line never broke: the page was laid out
/// 824 px wide, and the "Value over time" chart beside it 772 px, its legend cut off; on a laptop the left column scrolled
/// sideways inside itself, "Why:", the costs line and "Recommended action" cut off at its edge (until 2026-12-07). The
/// reason, the client's name in the question asked before an outcome, and its email and segment all break inside their
/// panels. Answered in the service's place: the retention of a seeded client nobody else's scenario opens, and (on the
/// phone) every name, email and segment the service gives the long ones, so that the seed stays as other scenarios read it.
/// </summary>
public class when_a_reason_runs_without_a_space(BrowserFixture app)
{
    private const string Client = "ordinary-17", Name = "Ordinary Customer 17";
    // "price" 67 times joined by 66 hyphens (401), a hyphen (1), then 98 "z" (98): 500 characters, the last 98 unbreakable.
    private static readonly string Reason = string.Join("-", Enumerable.Repeat("price", 67)) + "-" + new string('z', 98);
    // 16 letters x 13 = 208, cut to 200; 64 + "@" + 10 letters x 17 + "s.example" (9) = 244.
    private static readonly string LongName = string.Concat(Enumerable.Repeat("Aaronsonhartwell", 13))[..200];
    private static readonly string LongEmail = new string('e', 64) + "@" + string.Concat(Enumerable.Repeat("longdomain", 17)) + "s.example";

    [Fact]
    public void the_texts_are_as_long_as_the_reviewers()
    {
        Reason.Length.ShouldBe(500);
        Reason.ShouldNotContain(' ');
        Reason.ShouldEndWith(new string('z', 98));
        LongName.Length.ShouldBe(200);
        LongEmail.Length.ShouldBe(244);
    }

    [Fact]
    public async Task on_a_phone_the_reason_the_name_and_the_chart_keep_to_the_screen()
    {
        const int width = 375;
        await app.WithDesk(nameof(on_a_phone_the_reason_the_name_and_the_chart_keep_to_the_screen), async desk =>
        {
            await CustomerTextAnswers.Give(desk.Page, LongName, LongEmail, new string('s', 200));
            // Registered last, answered first: the decision on the long reason.
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, "offer-made", reason: Reason)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search(Name);
            await Expect(desk.Results.GetByRole(AriaRole.Button).First).ToContainTextAsync(LongName);
            await desk.Results.GetByRole(AriaRole.Button).First.ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(LongName);
            await Expect(desk.Retention).ToContainTextAsync(Reason);
            await Expect(desk.Page.Locator("#value-chart svg")).ToBeVisibleAsync();
            // The question names the client, at its 200 characters.
            await desk.Outcome("Decline offer").ClickAsync();
            await Expect(desk.Question).ToContainTextAsync(LongName);

            await NothingPastTheRightEdge(desk.Page, width);
            (await desk.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width, "the desk scrolls sideways");
            // The chart no wider than its panel's inside, its legend in sight.
            var chart = await desk.Page.EvaluateAsync<double[]>("""
                () => {
                  const svg = document.querySelector("#value-chart svg"), panel = svg.closest(".panel");
                  return [svg.getBoundingClientRect().width, panel.clientWidth];
                }
                """);
            chart[0].ShouldBeLessThanOrEqualTo(chart[1], "the chart is stretched past its panel");
        }, width: width, height: 740);
    }

    [Fact]
    public async Task on_a_laptop_the_left_column_does_not_scroll_sideways_and_cuts_nothing_off()
    {
        await app.WithDesk(nameof(on_a_laptop_the_left_column_does_not_scroll_sideways_and_cuts_nothing_off), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, "offer-made", reason: Reason)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);
            await Expect(desk.Retention).ToContainTextAsync(Reason);
            await Expect(desk.Page.Locator("#value-chart svg")).ToBeVisibleAsync();

            var column = await desk.Page.EvaluateAsync<int[]>("() => { const c = document.querySelector('.columns > .left'); return [c.scrollWidth, c.clientWidth]; }");
            column[0].ShouldBeLessThanOrEqualTo(column[1], "the left column scrolls sideways");
            // Each line of the panel, "Why:", the costs and the recommended action among them, ends inside the column.
            var cut = await desk.Page.EvaluateAsync<string[]>("""
                () => {
                  const edge = document.querySelector(".columns > .left").getBoundingClientRect().right;
                  return [...document.querySelectorAll("#retention-body p, #value-chart svg")]
                    .filter(e => e.getBoundingClientRect().right > edge + 0.5)
                    .map(e => `${e.tagName.toLowerCase()} “${(e.textContent ?? "").slice(0, 30)}” ends at ${Math.round(e.getBoundingClientRect().right)} px, the column at ${Math.round(edge)}`);
                }
                """);
            cut.ShouldBeEmpty();
        }, width: 1280, height: 800);
    }

    /// <summary>Nothing on the page ends past the screen's right edge: the innermost such elements are named.</summary>
    private static async Task NothingPastTheRightEdge(IPage page, int width)
    {
        var past = await page.EvaluateAsync<string[]>("""
            width => [...document.querySelectorAll("body *")]
              .filter(e => e.getClientRects().length > 0 && !e.closest(".visually-hidden") && e.getBoundingClientRect().right > width + 0.5)
              .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 0.5))
              .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.getAttribute("class") ?? ""} ends at ${Math.round(e.getBoundingClientRect().right)} px`)
            """, width);
        past.ShouldBeEmpty();
    }
}
