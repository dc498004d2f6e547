using System.Text.Json.Nodes;
using EventCrm.Tests.DataTools;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// Marten's and Wolverine's verbs, like ours, print only their results on standard output: a
/// script parses stream-query's JSON as it comes. JasperFx's notice that it could not reconfigure
/// the built application came first, and the libraries' log lines (the daemon pausing as the
/// verb ends) were written among the results.
/// </summary>
public class when_a_library_verb_prints_its_results
{
    // Per test process: developers share one database, and a second run must not drop this one's schema.
    private static readonly string Schema = $"eventcrm_library_verbs_{Environment.ProcessId}";

    [Fact]
    public async Task stream_query_prints_its_json_alone_and_the_log_goes_to_standard_error()
    {
        try
        {
            await DataCommandLine.DropSchema(Schema);
            var file = await new HistoryFile()
                .SignUp("lib-a", "2023-01-01T00:00:00Z").Purchase("lib-a", "2023-02-01T00:00:00Z")
                .SignUp("lib-b", "2023-01-02T00:00:00Z")
                .SaveAsync();
            var imported = await DataCommandLine.Run(Schema, "import", "--file", file);
            imported.ExitCode.ShouldBe(0, imported.Errors + imported.Output);
            File.Delete(file);

            var (exit, output, errors) = await DataCommandLine.Run(Schema, "stream-query");

            exit.ShouldBe(0, errors + output);
            // The whole of standard output is one JSON document.
            var result = JsonNode.Parse(output).ShouldNotBeNull();
            // Two customers in the file: lib-a with its signup and purchase, lib-b with its signup.
            result["totalCount"]!.GetValue<int>().ShouldBe(2);
            result["streams"]!.AsArray().Select(s => (s!["streamId"]!.GetValue<string>(), s["version"]!.GetValue<int>()))
                .ShouldBe([("lib-a", 2), ("lib-b", 1)], ignoreOrder: true);
            errors.ShouldContain("info: ");
        }
        finally
        {
            await DataCommandLine.DropSchema(Schema);
        }
    }

    [Fact]
    public async Task db_list_prints_the_databases_and_the_log_goes_to_standard_error()
    {
        try
        {
            var (exit, output, errors) = await DataCommandLine.Run(Schema, "db-list");

            exit.ShouldBe(0, errors + output);
            output.ShouldContain($"/{Schema} ");
            output.ShouldNotContain("info: ");
            errors.ShouldContain("info: ");
        }
        finally
        {
            await DataCommandLine.DropSchema(Schema);
        }
    }
}
