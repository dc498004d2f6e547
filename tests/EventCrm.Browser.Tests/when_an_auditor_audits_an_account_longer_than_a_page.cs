using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An account of 2,100 touchpoints audited: its value history comes a thousand rows at a time, and the row of the date
/// asked may lie on a page not read yet. Before, the page searched only the rows read: as of now, it highlighted the
/// 1,000th row, "the last touchpoint on or before the date asked", while the true one was on the third page. The
/// service's pages are answered here from a made-up history, so that the shared base keeps its figures.
/// </summary>
public class when_an_auditor_audits_an_account_longer_than_a_page(BrowserFixture app)
{
    private const string Account = "three-pages", Name = "Threepage Holdings";
    private const int Touchpoints = 2_100;
    private static readonly DateTimeOffset First = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task as_of_now_the_row_on_the_last_page_is_named_and_read_up_to_never_the_last_row_read()
    {
        await app.WithDesk(nameof(as_of_now_the_row_on_the_last_page_is_named_and_read_up_to_never_the_last_row_read), async desk =>
        {
            var (page, rows, marked, note) = await AuditAsync(desk, asOf: null);

            await Expect(rows).ToHaveCountAsync(1_000);
            // As of now every one of the 2,100 touchpoints counts: the answer is the 2,100th, on the third page. Touchpoint k
            // occurred k hours after 2026-01-01 00:00: 2,100 h = 87 days 12 h, 2026-01-01 + 87 days = 2026-03-29 (31 + 28 + 28).
            await Expect(marked).ToHaveCountAsync(0);
            await Expect(note).ToContainTextAsync("The last touchpoint on or before the date asked is touchpoint 2,100 of 2,100, after the 1,000 rows shown.");
            await Expect(note).ToContainTextAsync("It occurred on 2026-03-29: purchase, current value 2,100.00 after it.");
            await Expect(note).Not.ToContainTextAsync("Highlighted");

            await page.GetByRole(AriaRole.Button, new() { Name = "Show the rows up to it" }).ClickAsync();

            // Two more pages read (1,000 + 100): the last row is the one, and the keyboard is on it.
            await Expect(rows).ToHaveCountAsync(2_100);
            await Expect(marked).ToHaveCountAsync(1);
            await Expect(marked.Locator("td").Nth(0)).ToHaveTextAsync("2026-03-29 – the date asked");
            await Expect(marked.Locator("td").Nth(5)).ToHaveTextAsync("2,100.00");
            await Expect(marked).ToBeFocusedAsync();
            await Expect(note).ToContainTextAsync("Highlighted: the last touchpoint on or before the date asked (2026-03-29).");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task as_of_a_date_on_the_second_page_no_row_is_highlighted_until_that_page_is_read()
    {
        await app.WithDesk(nameof(as_of_a_date_on_the_second_page_no_row_is_highlighted_until_that_page_is_read), async desk =>
        {
            var (page, rows, marked, note) = await AuditAsync(desk, asOf: "2026-02-20");

            // By the end of 2026-02-20, 50 days after 2026-01-01 (31 + 19): touchpoints up to 50 × 24 + 23 = 1,223 hours.
            await Expect(rows).ToHaveCountAsync(1_000);
            await Expect(marked).ToHaveCountAsync(0);
            await Expect(note).ToContainTextAsync("is touchpoint 1,223 of 2,100, after the 1,000 rows shown.");
            await Expect(note).ToContainTextAsync("It occurred on 2026-02-20: purchase, current value 1,223.00 after it.");

            // The next page read by hand: the row is found there.
            await page.GetByRole(AriaRole.Button, new() { Name = "Show 1,000 more" }).ClickAsync();

            await Expect(rows).ToHaveCountAsync(2_000);
            await Expect(marked).ToHaveCountAsync(1);
            await Expect(marked.Locator("td").Nth(0)).ToHaveTextAsync("2026-02-20 – the date asked");
            await Expect(marked.Locator("td").Nth(5)).ToHaveTextAsync("1,223.00");
            await Expect(rows.Nth(1_222)).ToHaveClassAsync("as-of-row");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    private static DateTimeOffset At(int k) => First.AddHours(k);

    /// <summary>The account audited on the page (as of now without a date): its history's rows, the row marked, the note.</summary>
    private static async Task<(IPage Page, ILocator Rows, ILocator Marked, ILocator Note)> AuditAsync(Desk desk, string? asOf)
    {
        await desk.Page.RouteAsync($"**/api/customers/{Account}**", route => route.FulfillAsync(Answer(route.Request.Url)));
        await desk.EnterKey(BrowserFixture.AdminKey);
        var page = desk.Page;
        await page.GetByLabel("Customer id").FillAsync(Account);
        if (asOf is not null) await page.GetByLabel("As of (business date)").FillAsync(asOf);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();
        return (page, page.GetByRole(AriaRole.Table, new() { Name = "Value after each touchpoint" }).Locator("tbody tr"),
            page.Locator("#audit-history tr.as-of-row"), page.Locator("#audit-history-note"));
    }

    /// <summary>
    /// The account's answers as the service gives them: touchpoint k (1 the signup, then purchases) worth k, its value history
    /// paged as the service pages it; its value as of the date asked (or now) counting the touchpoints up to that date's end.
    /// </summary>
    private static RouteFulfillOptions Answer(string url)
    {
        var uri = new Uri(url);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        if (uri.AbsolutePath.EndsWith("/value-history"))
        {
            var (page, pageSize) = (int.Parse(query["page"] ?? "1"), int.Parse(query["pageSize"] ?? "1000"));
            return FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Account, ["formula"] = null, ["knownAt"] = null, ["order"] = "oldest", ["page"] = page, ["pageSize"] = pageSize,
                ["total"] = Touchpoints,
                ["points"] = new JsonArray([.. Enumerable.Range(1, Touchpoints).Skip((page - 1) * pageSize).Take(pageSize).Select(k => (JsonNode)new JsonObject
                {
                    ["touchpointId"] = $"t-{k}", ["type"] = k == 1 ? "signed-up" : "purchase", ["occurredAt"] = At(k).ToString("O"),
                    ["recordedAt"] = At(k).ToString("O"), ["revenue"] = k, ["profit"] = k, ["current"] = k, ["potential"] = 0, ["tier"] = "low",
                    ["formula"] = "retention-ltv@0",
                })]),
            });
        }
        if (uri.AbsolutePath.EndsWith("/audit"))
            return FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Account, ["valid"] = true, ["checked"] = Touchpoints, ["unsealed"] = 0, ["firstMismatch"] = null, ["dependsOn"] = new JsonArray(),
            });
        var asOf = query["asOf"] is { } day ? DateTimeOffset.Parse($"{day}T00:00:00Z").AddDays(1).AddTicks(-1) : DateTimeOffset.UtcNow;
        return FakeAnswers.Json(new JsonObject
        {
            ["customerId"] = Account, ["historical"] = new JsonObject { ["revenue"] = 1m, ["margin"] = 1m, ["profit"] = 1m, ["costs"] = new JsonObject() },
            ["current"] = 1m, ["potential"] = new JsonObject { ["total"] = 0m, ["shareOfWalletGap"] = 0m, ["crossSell"] = 0m },
            ["tier"] = "low", ["formula"] = new JsonObject { ["name"] = "retention-ltv", ["version"] = 0 },
            ["touchpointsCounted"] = Enumerable.Range(1, Touchpoints).Count(k => At(k) <= asOf),
            ["asOf"] = asOf.ToString("O"), ["knownAt"] = null,
        });
    }
}
