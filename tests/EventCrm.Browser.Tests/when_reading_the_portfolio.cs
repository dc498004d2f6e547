using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

public class when_reading_the_portfolio(BrowserFixture app)
{
    [Fact]
    public async Task the_pareto_curve_shows_how_much_the_top_customers_bring()
    {
        await app.WithDesk(nameof(the_pareto_curve_shows_how_much_the_top_customers_bring), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            var figures = desk.Page.Locator("#pareto-figures");
            await Expect(figures).ToContainTextAsync($"Customers{ScenarioData.Customers}");
            // The top 20% of 33 customers is ceil(6.6) = 7, that is 21.21%, 21.2% of them.
            await Expect(figures).ToContainTextAsync("Top customers7 (21.2%)");
            var chart = desk.Page.GetByRole(AriaRole.Img, new() { NameRegex = new($"of {ScenarioData.Customers} customers bring") });
            await Expect(chart.Locator("path")).ToHaveCountAsync(3);
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task a_french_reader_reads_the_shares_in_french_notation()
    {
        await app.WithDesk(nameof(a_french_reader_reads_the_shares_in_french_notation), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            // 7 of 33 customers: 21.2%, written with a decimal comma and a space before the sign.
            await Expect(desk.Page.Locator("#pareto-figures")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Top customers7 \(21,2\s%\)"));
        }, path: "/portfolio.html", locale: "fr-FR");
    }

    [Fact]
    public async Task counts_read_in_the_readers_notation()
    {
        await app.WithDesk(nameof(counts_read_in_the_readers_notation), async desk =>
        {
            // The seed's 31 customers need no grouping: the answers are read, then given thousands.
            await desk.Page.RouteAsync("**/api/portfolio/*", async route =>
            {
                var answer = System.Text.Json.Nodes.JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!;
                var analysis = answer["analysis"]!;
                if (analysis["customers"] is not null) (analysis["customers"], analysis["topCustomers"]) = (5315, 1063);
                else foreach (var quadrant in analysis["quadrants"]!.AsArray()) quadrant!["count"] = 1061;
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = answer.ToJsonString() });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#pareto-figures")).ToContainTextAsync("Customers5,315");
            await Expect(desk.Page.Locator("#pareto-figures")).ToContainTextAsync("Top customers1,063 (");
            await Expect(desk.Page.Locator("[data-quadrant] .figure").First).ToHaveTextAsync("1,061 customers");
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task the_quadrants_split_every_customer_by_value_and_potential_and_link_to_them()
    {
        await app.WithDesk(nameof(the_quadrants_split_every_customer_by_value_and_potential_and_link_to_them), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            var quadrants = desk.Page.Locator("[data-quadrant]");
            await Expect(quadrants).ToHaveCountAsync(4);
            var counts = await quadrants.Locator(".figure").AllInnerTextsAsync();
            counts.Sum(text => int.Parse(text.Split(' ')[0])).ShouldBe(ScenarioData.Customers);
            await Expect(desk.Page.Locator("#thresholds")).ToContainTextAsync("median");

            // Listed by name, the id beside it: every customer of the seed has a name, none its id.
            var first = quadrants.Locator("li[data-customer]").First;
            var id = (await first.GetAttributeAsync("data-customer"))!;
            var name = await first.GetByRole(AriaRole.Link).InnerTextAsync();
            name.ShouldNotBe(id);
            await Expect(first.Locator(".customer-id")).ToHaveTextAsync(id);
            await first.GetByRole(AriaRole.Link).ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(name);
            desk.Page.Url.ShouldEndWith($"#customer={id}");
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// The quadrants listed customer ids ("alpha-industries"): a manager knows the clients by name. The service's answer
    /// names them (no request per customer); the page shows the name, the id after it, smaller.
    /// </summary>
    [Fact]
    public async Task the_quadrants_list_customers_by_name_with_their_id_beside()
    {
        await app.WithDesk(nameof(the_quadrants_list_customers_by_name_with_their_id_beside), async desk =>
        {
            // The real answer, its keep-and-grow quadrant made of two seeded clients in id order, the second one without a name.
            await desk.Page.RouteAsync("**/api/portfolio/segments?*", async route =>
            {
                var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!;
                var quadrant = answer["analysis"]!["quadrants"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == "high-value-high-potential")!;
                quadrant["count"] = 2;
                quadrant["customerIds"] = new JsonArray(ScenarioData.Alpha, ScenarioData.Gamma);
                quadrant["customers"] = new JsonArray(
                    new JsonObject { ["customerId"] = ScenarioData.Alpha, ["name"] = ScenarioData.AlphaName },
                    new JsonObject { ["customerId"] = ScenarioData.Gamma, ["name"] = null });
                await route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            var members = desk.Page.Locator("[data-quadrant='high-value-high-potential'] li");
            await Expect(members).ToHaveTextAsync([$"{ScenarioData.AlphaName} {ScenarioData.Alpha}", ScenarioData.Gamma]);
            var alpha = members.First.GetByRole(AriaRole.Link);
            await Expect(alpha).ToHaveAccessibleNameAsync(ScenarioData.AlphaName);
            await Expect(alpha).ToHaveAttributeAsync("href", $"index.html#customer={ScenarioData.Alpha}");
        }, path: "/portfolio.html");
    }
}
