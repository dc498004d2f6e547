using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The API takes a name or an email holding Unicode's right-to-left override (U+202E) and nothing to end it: drawn
/// as it came, it turned the text after it around too, a customer's state or the next field of its signup read backwards
/// (and "Eve‮gnp.exe‬ Bidi" read "Eveexe.png Bidi"), until 2026-12-07. Each name and email is isolated (bdi) now:
/// whatever it holds stays within it, and the text around it reads in order, left to right.
/// </summary>
public class when_a_name_holds_a_right_to_left_override(BrowserFixture app)
{
    private const string Name = "Eve\u202egnp.exe Bidi";
    private const string Email = "eve\u202egnp.exe@bidi.example";

    /// <summary>
    /// Where the text <paramref name="first"/> and the next <paramref name="then"/> after it are drawn, inside the element:
    /// (the first's right edge, the next's left edge, and both tops), from the boxes of their ranges of text.
    /// </summary>
    private static async Task<float[]> Drawn(ILocator within, string first, string then) =>
        await within.EvaluateAsync<float[]>("""
            (root, [first, then]) => {
              const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
              const nodes = []; for (let n; (n = walker.nextNode());) nodes.push(n);
              const find = (text, fromNode, fromAt) => {
                for (let i = fromNode; i < nodes.length; i++) {
                  const at = nodes[i].data.indexOf(text, i === fromNode ? fromAt : 0);
                  if (at >= 0) { const r = document.createRange(); r.setStart(nodes[i], at); r.setEnd(nodes[i], at + text.length); return [r, i, at + text.length]; }
                }
                throw new Error(`${text} is not shown`);
              };
              const [a, node, end] = find(first, 0, 0);
              const [b] = find(then, node, end);
              const [ra, rb] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
              return [ra.right, rb.left, ra.top, rb.top];
            }
            """, new[] { first, then });

    private static async Task ReadsInOrder(ILocator within, string first, string then, string what)
    {
        var drawn = await Drawn(within, first, then);
        drawn[3].ShouldBe(drawn[2], 2f, $"{what}: not on one line, the test cannot tell");
        drawn[1].ShouldBeGreaterThanOrEqualTo(drawn[0] - 0.5f, $"{what}: \"{then}\" is drawn before the name ends (at {drawn[1]} px, the name ending at {drawn[0]} px)");
    }

    [Fact]
    public async Task the_search_shows_each_customers_state_after_its_email()
    {
        await app.WithDesk(nameof(the_search_shows_each_customers_state_after_its_email), async desk =>
        {
            await CustomerTextAnswers.Give(desk.Page, Name, Email);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search("Ordinary Customer 22");
            var found = desk.Results.GetByRole(AriaRole.Button).First;
            await Expect(found).ToContainTextAsync(Name);

            await ReadsInOrder(found.Locator(".muted"), Email, "·", "the customer found");
        });
    }

    [Fact]
    public async Task the_timeline_shows_the_fields_of_the_signup_in_order()
    {
        await app.WithDesk(nameof(the_timeline_shows_the_fields_of_the_signup_in_order), async desk =>
        {
            await CustomerTextAnswers.Give(desk.Page, Name, Email);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search("Ordinary Customer 22");
            await desk.Results.GetByRole(AriaRole.Button).First.ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(Name);
            var signup = desk.Page.Locator("#timeline > li.entry[data-type='signed-up'] .entry-fields");
            await Expect(signup).ToContainTextAsync(Email);

            await ReadsInOrder(signup, Name, "·", "the signup's name");
            await ReadsInOrder(signup, Email, "·", "the signup's email");
        });
    }

    [Fact]
    public async Task the_status_line_says_the_client_is_open_in_order()
    {
        await app.WithDesk(nameof(the_status_line_says_the_client_is_open_in_order), async desk =>
        {
            await CustomerTextAnswers.Give(desk.Page, Name, Email);
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search("Ordinary Customer 22");
            await desk.Results.GetByRole(AriaRole.Button).First.ClickAsync();
            var status = desk.Page.Locator("#status");
            await Expect(status).ToHaveTextAsync($"{Name} is open.");

            await ReadsInOrder(status, Name, "is open", "the status line");
        });
    }
}
