using System.Net.Sockets;
using EventCrm.Host.Reliability;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>Which exceptions become which answers, and the connect timeout the Host adds to a connection string.</summary>
public class when_telling_database_faults
{
    [Theory]
    [InlineData("Host=db;Database=crm;Username=u", 3)]
    [InlineData("Host=db;Database=crm;Username=u;Timeout=20", 20)]
    [InlineData("Host=db;Database=crm;Username=u;timeout=1", 1)]
    public void a_connection_string_without_a_timeout_gets_a_short_one(string given, int seconds)
    {
        new NpgsqlConnectionStringBuilder(DatabaseFaults.WithShortTimeouts(given)).Timeout.ShouldBe(seconds);
    }

    [Fact]
    public void the_rest_of_the_connection_string_is_kept()
    {
        var given = "Host=db;Port=5440;Database=crm;Username=u;Options=-c client_connection_check_interval=1000;Maximum Pool Size=20";

        var builder = new NpgsqlConnectionStringBuilder(DatabaseFaults.WithShortTimeouts(given));

        (builder.Host, builder.Port, builder.Database, builder.Username, builder.Options, builder.MaxPoolSize, builder.Timeout)
            .ShouldBe(("db", 5440, "crm", "u", "-c client_connection_check_interval=1000", 20, 3));
    }

    public static TheoryData<string, Exception, int?> Faults => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), 503 },
        { "wrapped by a library", new InvalidOperationException("Marten Command Failure", new NpgsqlException("Exception while reading from stream", new IOException("reset"))), 503 },
        { "server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), 503 },
        { "server starting", new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow), 503 },
        { "a timeout", new TimeoutException("pool exhausted"), 503 },
        { "a unique violation is no outage", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), null },
        { "a bug is a bug", new NullReferenceException(), null },
        { "a body over the limit", new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge), 413 },
        { "a truncated body", new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest), 400 },
        { "bad JSON in the body", new System.Text.Json.JsonException("'x' is an invalid start of a value."), 400 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void each_fault_gets_its_answer(string what, Exception fault, int? status)
    {
        int? answered = FaultProblems.Answer(fault, requestHasBody: true)?.Status;
        answered.ShouldBe(status, what);
    }

    [Fact]
    public void bad_json_without_a_request_body_is_the_services_own_fault()
    {
        FaultProblems.Answer(new System.Text.Json.JsonException("stored document"), requestHasBody: false).ShouldBeNull();
    }
}
