using System.Text.RegularExpressions;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

// A browser asks for every file a page names, and for /favicon.ico when a page names no icon:
// each such request is a 404 in the service's log and a broken tab icon for the user.
public partial class when_a_browser_opens_the_pages(AppFixture app)
{
    public static TheoryData<string> Pages => ["/", "/audit.html", "/portfolio.html"];

    [Theory, MemberData(nameof(Pages))]
    public async Task the_page_names_its_icon_and_the_service_serves_it_as_an_image(string page)
    {
        var html = await Read(page);

        var icon = IconLink().Match(html);
        icon.Success.ShouldBeTrue($"{page} names no icon, so browsers ask for /favicon.ico");
        var served = await app.Host.Scenario(s => s.Get.Url("/" + icon.Groups["href"].Value));
        served.Context.Response.ContentType.ShouldBe("image/svg+xml");
        (await served.ReadAsTextAsync()).ShouldStartWith("<svg");
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task every_file_the_page_names_is_served(string page)
    {
        var html = await Read(page);

        var named = LocalFile().Matches(html).Select(m => m.Groups["path"].Value).Distinct().ToList();
        named.ShouldContain("app.css");
        foreach (var path in named)
            await app.Host.Scenario(s => { s.Get.Url("/" + path); s.StatusCodeShouldBe(200); });
    }

    private async Task<string> Read(string page) => await (await app.Host.Scenario(s => s.Get.Url(page))).ReadAsTextAsync();

    [GeneratedRegex("""<link rel="icon" href="(?<href>[^"]+)" type="image/svg\+xml">""")]
    private static partial Regex IconLink();

    [GeneratedRegex("(?:href|src)=\"(?<path>[a-z/]+\\.(?:css|js|svg|html))\"")]
    private static partial Regex LocalFile();
}
