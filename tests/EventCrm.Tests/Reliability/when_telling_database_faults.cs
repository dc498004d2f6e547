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
        { "database taking no sessions", new PostgresException("database \"crm\" is not currently accepting connections", "FATAL", "FATAL", PostgresErrorCodes.ObjectNotInPrerequisiteState), 503 },
        { "database gone", new PostgresException("database \"crm\" does not exist", "FATAL", "FATAL", PostgresErrorCodes.InvalidCatalogName), 503 },
        { "a statement's 55000 is an answer", new PostgresException("cannot refresh a materialized view concurrently", "ERROR", "ERROR", PostgresErrorCodes.ObjectNotInPrerequisiteState), null },
        { "a statement's 3D000 is an answer", new PostgresException("cross-database references are not implemented", "ERROR", "ERROR", PostgresErrorCodes.InvalidCatalogName), null },
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

    public static TheoryData<string, Exception, bool> Outages => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "server shutting down, wrapped by a library", new InvalidOperationException("Marten Command Failure",
            new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)), true },
        { "a timeout Npgsql did not raise", new TimeoutException("the reply did not come"), false },
        { "a ping of the database that said nothing (/health, the outage watch)", new DatabaseDidNotAnswerException(TimeSpan.FromSeconds(3)), true },
        { "a request given up", new OperationCanceledException(), false },
        { "a query cancelled by its caller", new OperationCanceledException("Query was cancelled", new TimeoutException("Timeout during reading attempt")), false },
        { "a socket of another service", new HttpRequestException("no answer", new SocketException((int)SocketError.ConnectionRefused)), false },
        { "a unique violation", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), false },
    };

    /// <summary>What the log holds back while the database is out (docs/reliability.md): only what Npgsql said, and the pings' silence.</summary>
    [Theory]
    [MemberData(nameof(Outages))]
    public void the_log_takes_only_npgsqls_word_for_an_outage(string what, Exception fault, bool outage)
    {
        DatabaseFaults.IsOutage(fault).ShouldBe(outage, what);
    }

    [Fact]
    public void bad_json_without_a_request_body_is_the_services_own_fault()
    {
        FaultProblems.Answer(new System.Text.Json.JsonException("stored document"), requestHasBody: false).ShouldBeNull();
    }
}
