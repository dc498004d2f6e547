using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The API takes a name, an email and a segment of any length without a space in them. A 200-character name, a
/// 244-character email and a 200-character segment widened the desk to 2,597 px in a 1,280 px window (the value cards and
/// the chart cut off, the page scrolling sideways) until 2026-12-07. Every page wraps such text inside its panels.
/// Answered in the service's place: every name, email and segment the service gives is the long one, so that the seed
/// stays as other scenarios read it.
/// </summary>
public class when_a_customer_is_named_at_great_length(BrowserFixture app)
{
    private const int Width = 1280, Height = 800;
    // 16 letters x 13 = 208, cut to 200.
    private static readonly string Name = string.Concat(Enumerable.Repeat("Aaronsonhartwell", 13))[..200];
    // 64 + "@" (1) + 10 letters x 17 + "s" (171) + ".example" (8) = 244.
    private static readonly string Email = new string('e', 64) + "@" + string.Concat(Enumerable.Repeat("longdomain", 17)) + "s.example";
    private static readonly string Segment = new('s', 200);

    private static Task GivenLongText(IPage page) => CustomerTextAnswers.Give(page, Name, Email, Segment);

    /// <summary>The page as wide as the window; when not, the innermost elements that run past its edge are named.</summary>
    private static async Task NoSidewaysScroll(IPage page, string where)
    {
        var past = await page.EvaluateAsync<string>($$"""
            () => [...document.querySelectorAll("body *")]
              .filter(e => e.getBoundingClientRect().left + e.scrollWidth > {{Width}} && ![...e.children].some(c => c.getBoundingClientRect().left + c.scrollWidth > {{Width}}))
              .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className}`).join(", ")
            """);
        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(Width, $"the {where} scrolls sideways: {past}");
    }

    [Fact]
    public void the_long_texts_are_as_long_as_the_reviewers()
    {
        Name.Length.ShouldBe(200);
        Email.Length.ShouldBe(244);
        Segment.Length.ShouldBe(200);
    }

    [Fact]
    public async Task the_desk_keeps_to_the_window_with_the_customer_found_opened_and_listed()
    {
        await app.WithDesk(nameof(the_desk_keeps_to_the_window_with_the_customer_found_opened_and_listed), async desk =>
        {
            await GivenLongText(desk.Page);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search("Ordinary Customer 21");
            await Expect(desk.Results.GetByRole(AriaRole.Button).First).ToContainTextAsync(Name);
            await desk.Results.GetByRole(AriaRole.Button).First.ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(Name);
            await Expect(desk.TimelineEntries.Last).ToContainTextAsync(Email);
            await Expect(desk.Page.Locator("#worklist .result").First).ToContainTextAsync(Name);

            await NoSidewaysScroll(desk.Page, "desk");
            var cards = await desk.ValueCards.Locator(".card").AllAsync();
            foreach (var card in cards)
            {
                var box = (await card.BoundingBoxAsync()).ShouldNotBeNull();
                (box.X + box.Width).ShouldBeLessThanOrEqualTo(Width, "a value card is cut off at the window's edge");
            }
        }, width: Width, height: Height);
    }

    [Fact]
    public async Task the_portfolio_keeps_to_the_window_with_the_customers_listed()
    {
        await app.WithDesk(nameof(the_portfolio_keeps_to_the_window_with_the_customers_listed), async desk =>
        {
            await GivenLongText(desk.Page);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.Locator(".quadrant ul.members a").First).ToContainTextAsync(Name);

            await NoSidewaysScroll(desk.Page, "portfolio");
        }, path: "/portfolio.html", width: Width, height: Height);
    }

    [Fact]
    public async Task the_audit_page_keeps_to_the_window_with_the_customer_found()
    {
        await app.WithDesk(nameof(the_audit_page_keeps_to_the_window_with_the_customer_found), async desk =>
        {
            await GivenLongText(desk.Page);
            await desk.EnterKey(BrowserFixture.AdminKey);
            var box = desk.Page.GetByLabel("Find the customer by name or email");
            await box.FillAsync("gamma trad");
            await box.PressAsync("Enter");
            var found = desk.Page.GetByRole(AriaRole.List, new() { Name = "Customers found" }).GetByRole(AriaRole.Button);
            await Expect(found.First).ToContainTextAsync(Name);
            await found.First.ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToContainTextAsync($"Value of {Name}");

            await NoSidewaysScroll(desk.Page, "audit page");
        }, path: "/audit.html", width: Width, height: Height);
    }
}
