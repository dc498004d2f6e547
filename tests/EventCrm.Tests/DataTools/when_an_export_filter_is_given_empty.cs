using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A script that exports one customer with <c>customerId=$ID</c> and an unset variable sends
/// <c>customerId=</c>. Until 2026-12-06 an empty filter was read as no filter: that call exported
/// every customer's events, personal data included. An empty filter is now a 400 naming it, over
/// HTTP and on the command line alike, and nothing is exported.
/// </summary>
public class when_an_export_filter_is_given_empty(AppFixture app)
{
    [Theory]
    [InlineData("customerId=", "customerId", "is given empty; leave it out for every customer")]
    [InlineData("customerId=%20", "customerId", "is given empty; leave it out for every customer")]
    [InlineData("types=", "types", "is given empty; leave it out for every type")]
    [InlineData("types=,", "types", "is given empty; leave it out for every type")]
    [InlineData("from=", "from", "is given empty; leave it out for no bound")]
    [InlineData("to=", "to", "is given empty; leave it out for no bound")]
    public async Task the_export_is_refused_naming_the_filter(string query, string parameter, string message)
    {
        // There is something to export: an empty filter must not be read as "all of it".
        await app.Host.PostTouchpoints(SignUp(Ids.Customer(), Jan1));

        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events?{query}");
            s.StatusCodeShouldBe(400);
        });

        var problem = JsonNode.Parse(await result.ReadAsTextAsync())!;
        problem.ErrorKeys().ShouldBe([parameter]);
        problem["errors"]![parameter]![0]!.GetValue<string>().ShouldBe(message);
    }

    [Fact]
    public async Task the_command_refuses_an_empty_customer_and_writes_no_file()
    {
        await app.Host.PostTouchpoints(SignUp(Ids.Customer(), Jan1));
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.ndjson");

        var (exit, _, errors) = await DataCommandLine.Run(AppFixture.Schema, "export", "--customer", "", "--out", file);

        exit.ShouldBe(1);
        errors.ShouldContain("export: --customer is given empty; leave it out for every customer");
        File.Exists(file).ShouldBeFalse();
    }
}
