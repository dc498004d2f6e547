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

    [Fact]
    public async Task with_several_databases_it_names_the_one_out_of_reach_by_its_id_address_and_setting()
    {
        var port = PortNobodyListensOn();
        var reachable = Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string>
        {
            ["Marten__Schema"] = "eventcrm_unreached_verb",
            ["Tenancy__Databases__0"] = reachable,
            ["Tenancy__Databases__1"] = new Npgsql.NpgsqlConnectionStringBuilder(reachable) { Host = "127.0.0.1", Port = port, Timeout = 2 }.ConnectionString,
        }, "seed-demo", "--customers", "5");

        exit.ShouldBe(1, errors + output);
        errors.Trim().ShouldStartWith($"seed-demo: database db1 of Tenancy:Databases (127.0.0.1:{port}) cannot be reached " +
                                      $"(Failed to connect to 127.0.0.1:{port} (Connection refused)). Check Tenancy:Databases:1 ");
        errors.Trim().Split('\n').Length.ShouldBe(1, errors);
    }

    private static int PortNobodyListensOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
