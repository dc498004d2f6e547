using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A supervisor may start the service from any folder (a systemd unit without WorkingDirectory runs it
/// from /). Before, the service then looked for its settings and its pages in that folder and found
/// neither: every page was a 404, and without its log filters ASP.NET logged every request's URL,
/// search terms included.
/// </summary>
public class when_the_service_is_started_outside_its_folder
{
    [Fact]
    public async Task it_serves_its_pages_and_keeps_request_urls_out_of_its_log()
    {
        var elsewhere = Directory.CreateTempSubdirectory("eventcrm-elsewhere-").FullName;
        var schema = $"eventcrm_elsewhere_{Environment.ProcessId}";
        try
        {
            await using var host = await HostProcess.Start("elsewhere", Connection(), schema, AppFixture.AdminKey, workingFolder: elsewhere);
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            http.DefaultRequestHeaders.Add("X-Api-Key", AppFixture.AdminKey);
            var mark = host.Mark();

            var page = await http.GetAsync("/");
            var search = await http.GetAsync("/api/customers?search=unmistakable-search-term");
            await Task.Delay(TimeSpan.FromSeconds(1)); // the log lines of the two requests, had there been any

            ((int)page.StatusCode).ShouldBe(200);
            (await page.Content.ReadAsStringAsync()).ShouldContain("<title>EventCrm – Customers</title>");
            ((int)search.StatusCode).ShouldBe(200);
            host.LinesSince(mark).ShouldNotContain(line => line.Contains("unmistakable-search-term"));
        }
        finally
        {
            await DataCommandLine.DropSchema(schema);
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private static string Connection() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;
}
