using System.Net;
using System.Net.Sockets;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// An operator runs a verb against a database that is not there (a stopped cluster, a wrong port):
/// one line on standard error says so and names the setting to check, exit 1; standard output,
/// where results go, stays empty of stack traces.
/// </summary>
public class when_a_verb_cannot_reach_the_database
{
    [Theory]
    [InlineData("import", "--file", "{file}")]
    [InlineData("audit-anchor")]
    [InlineData("rebuild", "--projection", "CustomerLedger")]
    public async Task it_says_so_in_one_line_naming_the_setting(params string[] arguments)
    {
        var file = await new DataTools.HistoryFile().SignUp("unreached", "2023-01-01T00:00:00Z").SaveAsync();
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string>
        {
            ["ConnectionStrings__EventCrm"] = $"Host=127.0.0.1;Port={PortNobodyListensOn()};Database=eventcrm;Username=postgres;Timeout=2",
        }, [.. arguments.Select(a => a.Replace("{file}", file))]);
        File.Delete(file);

        exit.ShouldBe(1);
        errors.Trim().ShouldStartWith($"{arguments[0]}: the database cannot be reached (");
        errors.ShouldContain("Check ConnectionStrings:EventCrm");
        errors.Trim().Split('\n').Length.ShouldBe(1, errors);
        output.ShouldNotContain("ERROR");
        output.ShouldNotContain("   at ");
    }

    private static int PortNobodyListensOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
