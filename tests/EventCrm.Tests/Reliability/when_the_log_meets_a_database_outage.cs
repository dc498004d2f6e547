using System.Net.Sockets;
using EventCrm.Host.Reliability;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// The service's loggers as Program.cs wires them, on a clock the scenario moves: the errors of an
/// outage become one warning, a reminder every 30 s and one line when the database answers again;
/// every other entry is written as before. (The Host's own process over a stopped database:
/// <see cref="when_the_database_is_out_for_a_while"/>.)
/// </summary>
public class when_the_log_meets_a_database_outage : IDisposable
{
    private const string Wolverine = "Wolverine.RDBMS.DurabilityAgent";
    private const string Outage = "EventCrm.Host.Reliability.DatabaseOutageLog";
    private static readonly DateTimeOffset Nine = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly SetClock _clock = new() { Now = Nine };
    private readonly CapturedLogs _logs = new(LogLevel.Debug);
    private ServiceProvider? _services;

    private static Exception Refused() => new NpgsqlException("Failed to connect to 10.0.0.5:5432", new SocketException((int)SocketError.ConnectionRefused));

    private static Exception StartingUp() =>
        new InvalidOperationException("Marten Command Failure", new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow));

    [Fact]
    public void the_first_connection_error_becomes_one_warning_naming_the_setting_and_the_rest_are_held_back()
    {
        var (loggers, _) = Service();
        var agent = loggers.CreateLogger(Wolverine);

        for (var i = 0; i < 40; i++) agent.LogError(Refused(), "Error trying to run durability agent commands");

        var entries = _logs.Since(0);
        entries.Select(e => (e.Category, e.Level)).ShouldBe([(Outage, LogLevel.Warning)]);
        entries[0].Message.ShouldBe("The service cannot reach the database of ConnectionStrings:EventCrm: Failed to connect to 10.0.0.5:5432 (Connection refused). " +
            "The errors this causes are held back until it answers again (a category's level set to Debug shows them); a reminder every 30 s");
    }

    [Fact]
    public void a_reminder_comes_every_30_seconds_and_one_line_when_the_database_answers_again()
    {
        var (loggers, outage) = Service();
        var agent = loggers.CreateLogger(Wolverine);
        agent.LogError(Refused(), "Error trying to run durability agent commands");

        _clock.Now = Nine.AddSeconds(20);
        for (var i = 0; i < 25; i++) agent.LogError(Refused(), "Error trying to run durability agent commands");
        outage.RemindIfDue();   // 20 s: not yet
        _clock.Now = Nine.AddSeconds(31);
        for (var i = 0; i < 5; i++) agent.LogError(StartingUp(), "Error trying to run durability agent commands");
        outage.RemindIfDue();
        outage.RemindIfDue();   // the same second: once
        _clock.Now = Nine.AddSeconds(45.5);
        agent.LogError(StartingUp(), "Error trying to run durability agent commands");
        outage.Ended();

        _logs.Since(0).Select(e => (e.Category, e.Level, e.Message)).Skip(1).ShouldBe([
            // 25 + 5 held back after the warning; the latest one was PostgreSQL starting up.
            (Outage, LogLevel.Warning, "The service still cannot reach the database of ConnectionStrings:EventCrm, for 31.0 s now (since 09:00:00 UTC); " +
                "30 log entries about it held back since the last line; latest error: 57P03: the database system is starting up"),
            // 1 + 25 + 5 + 1, from 09:00:00 to 09:00:45.5.
            (Outage, LogLevel.Information, "The database of ConnectionStrings:EventCrm answers again, after 45.5 s out of reach (since 09:00:00 UTC); " +
                "32 log entries about it were held back"),
        ]);
    }

    [Fact]
    public void an_error_the_outage_did_not_cause_is_written_as_ever_during_it()
    {
        var (loggers, _) = Service();
        var agent = loggers.CreateLogger(Wolverine);
        agent.LogError(Refused(), "Error trying to run durability agent commands");
        var mark = _logs.Mark();

        agent.LogError(new NullReferenceException(), "a bug");
        agent.LogError(new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), "a conflict");
        agent.LogError(new TimeoutException("the reply did not come"), "a timeout that is not the database's");
        agent.LogWarning("no exception at all");
        agent.LogCritical(Refused(), "an agent gives up");

        _logs.Since(mark).Select(e => (e.Level, e.Message)).ShouldBe([
            (LogLevel.Error, "a bug"), (LogLevel.Error, "a conflict"), (LogLevel.Error, "a timeout that is not the database's"),
            (LogLevel.Warning, "no exception at all"), (LogLevel.Critical, "an agent gives up"),
        ]);
    }

    [Fact]
    public void a_category_set_to_debug_still_shows_every_entry_held_back()
    {
        var (loggers, _) = Service(debugCategory: Wolverine);

        for (var i = 0; i < 3; i++) loggers.CreateLogger(Wolverine).LogError(Refused(), "Error trying to run durability agent commands");

        _logs.Since(0).Where(e => e.Category == Wolverine).Select(e => e.Level).ShouldBe([LogLevel.Debug, LogLevel.Debug, LogLevel.Debug]);
    }

    [Fact]
    public void after_the_database_is_back_the_next_outage_is_told_again()
    {
        var (loggers, outage) = Service();
        var agent = loggers.CreateLogger(Wolverine);
        agent.LogError(Refused(), "first outage");
        outage.Ended();

        agent.LogError(StartingUp(), "second outage");

        _logs.Since(0).Select(e => e.Level).ShouldBe([LogLevel.Warning, LogLevel.Information, LogLevel.Warning]);
        _logs.Since(0)[2].Message.ShouldContain("57P03: the database system is starting up");
    }

    private static Exception TerminatedAtTheStop() =>
        new InvalidOperationException("Marten Command Failure", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown));

    [Fact]
    public void a_session_the_stop_ended_failing_once_the_database_is_back_is_no_second_outage()
    {
        var (loggers, outage) = Service();
        var agent = loggers.CreateLogger(Wolverine);
        agent.LogError(TerminatedAtTheStop(), "the stop ends the sessions");
        _clock.Now = Nine.AddSeconds(27.2);
        outage.Ended();
        var mark = _logs.Mark();

        // A connection held through the outage, used 0.3 s after the line saying the database is back (as an operator's log showed).
        _clock.Now = Nine.AddSeconds(27.5);
        agent.LogError(TerminatedAtTheStop(), "Error trying to run durability agent commands");

        _logs.Since(mark).ShouldBeEmpty("a second warning for the outage already told");
    }

    [Fact]
    public void a_new_stop_after_the_database_is_back_is_told_by_the_refusals_that_follow()
    {
        var (loggers, outage) = Service();
        var agent = loggers.CreateLogger(Wolverine);
        agent.LogError(Refused(), "first outage");
        _clock.Now = Nine.AddSeconds(10);
        outage.Ended();
        var mark = _logs.Mark();

        _clock.Now = Nine.AddSeconds(12);
        agent.LogError(TerminatedAtTheStop(), "the second stop ends the sessions");
        agent.LogError(Refused(), "and refuses new ones");

        _logs.Since(mark).Select(e => (e.Level, e.Message)).ShouldBe([
            (LogLevel.Warning, "The service cannot reach the database of ConnectionStrings:EventCrm: Failed to connect to 10.0.0.5:5432 (Connection refused). " +
                "The errors this causes are held back until it answers again (a category's level set to Debug shows them); a reminder every 30 s"),
        ]);
    }

    [Fact]
    public void a_session_ended_long_after_the_database_came_back_is_told_as_ever()
    {
        var (loggers, outage) = Service();
        var agent = loggers.CreateLogger(Wolverine);
        agent.LogError(Refused(), "first outage");
        outage.Ended();
        var mark = _logs.Mark();

        // 31 s after the recovery line: past the 30 s a leftover session is allowed.
        _clock.Now = Nine.AddSeconds(31);
        agent.LogError(TerminatedAtTheStop(), "pg_terminate_backend, or a new stop");

        _logs.Since(mark).Select(e => e.Level).ShouldBe([LogLevel.Warning]);
    }

    [Fact]
    public void only_an_outage_of_the_database_itself_has_the_pools_cleared_when_it_ends()
    {
        var (loggers, outage) = Service();
        var agent = loggers.CreateLogger(Wolverine);

        agent.LogError(new NpgsqlException($"{DatabaseFaults.PoolExhaustedMessage}, either raise 'Max Pool Size'", new TimeoutException()), "every connection in use");
        var afterAFullPool = outage.MayHaveEndedSessions;
        agent.LogError(TerminatedAtTheStop(), "then the database stops");

        // A full pool's connections are sound: clearing them would only cost new sessions.
        afterAFullPool.ShouldBeFalse();
        outage.MayHaveEndedSessions.ShouldBeTrue();
    }

    [Fact]
    public async Task the_line_saying_the_database_is_back_never_comes_before_the_warning_it_ends()
    {
        var slowOutput = new SlowFirstWarning(Outage);
        var (loggers, outage) = Service(null, slowOutput);
        var agent = loggers.CreateLogger(Wolverine);

        // The first error's warning is still being written (a busy console) when the watch finds the database back.
        var failing = Task.Run(() => agent.LogError(Refused(), "Error trying to run durability agent commands"));
        await slowOutput.Writing.WaitAsync(Guard);
        var back = Task.Run(outage.Ended);
        // Room for the watch's line to overtake the warning, as it did: the order asserted below holds however long this takes.
        await Task.WhenAny(back, Task.Delay(TimeSpan.FromSeconds(1)));
        slowOutput.LetGo();
        await Task.WhenAll(failing, back).WaitAsync(Guard);

        // Otherwise the log would end on "cannot reach", with the outage over and no reminder nor recovery line to come.
        _logs.Since(0).Select(e => (e.Category, e.Level)).ShouldBe([(Outage, LogLevel.Warning), (Outage, LogLevel.Information)]);
    }

    [Fact]
    public void customers_spread_over_several_databases_name_that_setting()
    {
        var (loggers, _) = Service(("Tenancy:Databases:0", "Host=a;Database=crm0"), ("Tenancy:Databases:1", "Host=b;Database=crm1"));

        loggers.CreateLogger(Wolverine).LogError(Refused(), "Error trying to run durability agent commands");

        // 10.0.0.5:5432 is neither a:5432 nor b:5432: the error does not say which database it is about.
        var warning = _logs.Since(0).Single().Message;
        warning.ShouldStartWith("The service cannot reach a database of Tenancy:Databases: ");
        warning.ShouldNotContain("crm0");
    }

    [Fact]
    public void with_several_databases_the_warning_and_the_line_saying_it_is_back_name_the_one_out_by_its_id_and_address()
    {
        var (loggers, outage) = Service(("Tenancy:Databases:0", "Host=10.0.0.4;Database=crm0"), ("Tenancy:Databases:1", "Host=10.0.0.5;Database=crm1"));
        var agent = loggers.CreateLogger(Wolverine);

        // Refused() fails to connect to 10.0.0.5:5432: the second database's address, port 5432 unless the string says otherwise.
        agent.LogError(Refused(), "Error trying to run durability agent commands");
        _clock.Now = Nine.AddSeconds(12);
        outage.Ended();

        _logs.Since(0).Select(e => e.Message).ShouldBe([
            "The service cannot reach database db1 of Tenancy:Databases (10.0.0.5:5432): Failed to connect to 10.0.0.5:5432 (Connection refused). " +
            "The errors this causes are held back until it answers again (a category's level set to Debug shows them); a reminder every 30 s",
            "Database db1 of Tenancy:Databases (10.0.0.5:5432) answers again, after 12.0 s out of reach (since 09:00:00 UTC); 1 log entries about it were held back",
        ]);
    }

    [Fact]
    public void databases_on_the_server_an_error_names_are_all_named()
    {
        var (loggers, _) = Service(("Tenancy:Databases:0", "Host=10.0.0.5;Database=crm0"), ("Tenancy:Databases:1", "Host=10.0.0.5;Database=crm1"));

        loggers.CreateLogger(Wolverine).LogError(Refused(), "Error trying to run durability agent commands");

        // One server refuses: both its databases are out.
        _logs.Since(0).Single().Message.ShouldStartWith(
            "The service cannot reach databases db0 and db1 of Tenancy:Databases (10.0.0.5:5432): Failed to connect to 10.0.0.5:5432 (Connection refused).");
    }

    [Fact]
    public void an_error_that_names_no_address_leaves_the_watch_to_say_which_database_does_not_answer()
    {
        var (loggers, outage) = Service(("Tenancy:Databases:0", "Host=10.0.0.4;Database=crm0"), ("Tenancy:Databases:1", "Host=10.0.0.6;Port=5472;Database=crm1"));
        var agent = loggers.CreateLogger(Wolverine);

        // 57P01, as a stop ends the sessions: nothing in it says which database.
        agent.LogError(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
            "Error trying to run durability agent commands");
        outage.Silent(["db1"]);
        outage.Silent(["db1"]);
        _clock.Now = Nine.AddSeconds(5);
        outage.Ended();

        var lines = _logs.Since(0).Select(e => e.Message).ToList();
        lines[0].ShouldStartWith("The service cannot reach a database of Tenancy:Databases: 57P01");
        // Told once, however many pings it does not answer.
        lines[1].ShouldBe("Database db1 of Tenancy:Databases (10.0.0.6:5472) does not answer the service's ping: it is out of reach");
        lines[2].ShouldStartWith("Database db1 of Tenancy:Databases (10.0.0.6:5472) answers again, after 5.0 s");
        lines.Count.ShouldBe(3);
    }

    /// <summary>
    /// The outage opened by a 57P01, then an error held back names db1's address before the watch's ping: db1 is still told
    /// by the ping's line. It was told by no line until the first reminder, 30 s on (the ping found it "named" already),
    /// and an outage over within 30 s never said which database had been out until it was back.
    /// </summary>
    [Fact]
    public void a_database_an_error_held_back_names_is_still_told_by_the_watch()
    {
        var outage = AnOutageOpenedByA57P01ThenAnErrorNamingDb1();
        _clock.Now = Nine.AddSeconds(1);
        outage.Silent(["db1"]);
        outage.Silent(["db1"]);

        _logs.Since(0).Select(e => e.Message).ShouldBe([
            "The service cannot reach a database of Tenancy:Databases: 57P01: terminating connection due to administrator command. " +
            "The errors this causes are held back until it answers again (a category's level set to Debug shows them); a reminder every 30 s",
            "Database db1 of Tenancy:Databases (10.0.0.6:5472) does not answer the service's ping: it is out of reach",
        ]);
    }

    /// <summary>A reminder that has named the database leaves the watch's ping nothing more to tell.</summary>
    [Fact]
    public void a_database_a_reminder_named_is_not_told_again_by_the_watch()
    {
        var outage = AnOutageOpenedByA57P01ThenAnErrorNamingDb1();
        _clock.Now = Nine.AddSeconds(30);
        outage.RemindIfDue();
        outage.Silent(["db1"]);

        var lines = _logs.Since(0).Select(e => e.Message).ToList();
        lines.Count.ShouldBe(2);
        lines[1].ShouldStartWith("The service still cannot reach database db1 of Tenancy:Databases (10.0.0.6:5472), for 30.0 s now");
    }

    /// <summary>Two databases; the outage is opened by an error naming none (57P01), then one naming db1's address is held back.</summary>
    private DatabaseOutageLog AnOutageOpenedByA57P01ThenAnErrorNamingDb1()
    {
        var (loggers, outage) = Service(("Tenancy:Databases:0", "Host=10.0.0.4;Database=crm0"), ("Tenancy:Databases:1", "Host=10.0.0.6;Port=5472;Database=crm1"));
        var agent = loggers.CreateLogger(Wolverine);

        agent.LogError(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
            "Error trying to run durability agent commands");
        agent.LogError(new NpgsqlException("Failed to connect to 10.0.0.6:5472", new SocketException((int)SocketError.ConnectionRefused)),
            "Error trying to run durability agent commands");
        return outage;
    }

    private (ILoggerFactory Loggers, DatabaseOutageLog Outage) Service(params (string Key, string Value)[] settings) => Service(null, settings);

    private (ILoggerFactory Loggers, DatabaseOutageLog Outage) Service(string? debugCategory, params (string Key, string Value)[] settings) =>
        Service(debugCategory, null, settings);

    /// <param name="writtenFirst">A provider the entries reach before the captured log.</param>
    private (ILoggerFactory Loggers, DatabaseOutageLog Outage) Service(string? debugCategory, ILoggerProvider? writtenFirst, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock);
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            if (debugCategory is not null) logging.AddFilter(debugCategory, LogLevel.Debug);
            if (writtenFirst is not null) logging.AddProvider(writtenFirst);
            logging.AddProvider(_logs);
            logging.HoldBackDatabaseOutages(configuration);
        });
        _services = services.BuildServiceProvider();
        return (_services.GetRequiredService<ILoggerFactory>(), _services.GetRequiredService<DatabaseOutageLog>());
    }

    public void Dispose() => _services?.Dispose();

    /// <summary>An output that holds the first warning of a category until let go, as a console busy writing.</summary>
    private sealed class SlowFirstWarning(string category) : ILoggerProvider, ILogger
    {
        private readonly TaskCompletionSource _writing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _letGo = new();
        private int _held;

        public Task Writing => _writing.Task;

        public void LetGo() => _letGo.Set();

        public ILogger CreateLogger(string categoryName) => categoryName == category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning || Interlocked.Exchange(ref _held, 1) == 1) return;
            _writing.TrySetResult();
            _letGo.Wait(Guard);
        }

        public void Dispose() => _letGo.Dispose();
    }

    private sealed class SetClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
