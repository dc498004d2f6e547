using System.Net;
using System.Net.Sockets;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// An operator (or a supervisor such as systemd) starting the service needs the reason it could not
/// start and a failure's exit code. Before, an address in use aborted with the runtime's stack
/// trace (exit code 134), and through `run --urls` ended with exit code 0, as a clean stop does; a
/// database out of reach aborted with the stack trace of an unhandled exception.
/// </summary>
public class when_the_service_cannot_start
{
    [Theory]
    [InlineData]
    [InlineData("run")]
    public async Task an_address_another_process_listens_on_is_named_in_one_line_and_exit_code_1(params string[] verb)
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)other.LocalEndpoint).Port}";

        var (exit, output, errors) = await HostCommandLine.Run(Settings(), [.. verb, "--urls", address]);

        ShouldNotHaveStarted(exit, output, errors, $"Failed to bind to address {address}: address already in use.");
    }

    [Fact]
    public async Task a_database_server_that_is_not_there_is_named_in_one_line_and_exit_code_1()
    {
        var silent = HostProcess.FreePort();
        var settings = Settings(new NpgsqlConnectionStringBuilder(Connection()) { Port = silent }.ConnectionString);

        var (exit, output, errors) = await HostCommandLine.Run(settings, "--urls", "http://127.0.0.1:0");

        ShouldNotHaveStarted(exit, output, errors, $"the database cannot be reached: Failed to connect to 127.0.0.1:{silent}");
    }

    [Fact]
    public async Task a_database_of_several_that_is_not_there_is_named_by_its_id_and_address()
    {
        var silent = HostProcess.FreePort();
        var settings = Settings();
        settings["Tenancy__Databases__0"] = Connection();
        settings["Tenancy__Databases__1"] = new NpgsqlConnectionStringBuilder(Connection()) { Port = silent }.ConnectionString;

        var (exit, output, errors) = await HostCommandLine.Run(settings, "--urls", "http://127.0.0.1:0");

        // Npgsql's error names only the address: which database of Tenancy:Databases that is, the operator reads before it.
        ShouldNotHaveStarted(exit, output, errors,
            $"database db1 of Tenancy:Databases (127.0.0.1:{silent}) cannot be reached: Failed to connect to 127.0.0.1:{silent}");
    }

    [Fact]
    public async Task a_database_that_does_not_exist_is_named_in_one_line_and_exit_code_1()
    {
        var settings = Settings(new NpgsqlConnectionStringBuilder(Connection()) { Database = "eventcrm_never_created" }.ConnectionString);

        var (exit, output, errors) = await HostCommandLine.Run(settings, "--urls", "http://127.0.0.1:0");

        ShouldNotHaveStarted(exit, output, errors, "the database cannot be reached: 3D000: database \"eventcrm_never_created\" does not exist");
    }

    private static Dictionary<string, string> Settings(string? connection = null)
    {
        var settings = new Dictionary<string, string> { ["Marten__Schema"] = "eventcrm_failed_start" };
        if (connection is not null) settings["ConnectionStrings__EventCrm"] = connection;
        return settings;
    }

    private static string Connection() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;

    private static void ShouldNotHaveStarted(int exit, string output, string errors, string said)
    {
        exit.ShouldBe(1, errors + output);
        errors.Trim().ShouldStartWith($"EventCrm did not start: {said}", customMessage: output);
        errors.Trim().Split('\n').Length.ShouldBe(1, errors);
        // The runtime's report of a crash ("Unhandled exception. System.IO.IOException: ...").
        output.ShouldNotContain("Unhandled exception.", Case.Sensitive);
    }
}
