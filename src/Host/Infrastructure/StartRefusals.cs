using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>A setting the service cannot run with, found at its start; the message names the key.</summary>
public sealed class SettingRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// A setting refused at the start, databases that are not where the customers were written (listed in
/// another order, say), an address already in use or a database out of reach before the service has
/// started stops the process with one line on standard error and exit code 1, where the runtime
/// would print the stack trace of an unhandled exception and abort (exit code 134, a core dump
/// under systemd). Any other unhandled exception keeps the runtime's full report.
/// </summary>
public static class StartRefusals
{
    public static void ReportInOneLine() => AppDomain.CurrentDomain.UnhandledException += (_, unhandled) =>
    {
        if (unhandled.ExceptionObject is not Exception exception || Refusal(exception) is not { } message) return;
        Console.Error.WriteLine($"EventCrm did not start: {message}");
        Environment.Exit(1);
    };

    private static volatile bool _started;

    /// <summary>From the moment the service has started, a failure is no longer a failed start.</summary>
    public static void Watch(IHostApplicationLifetime lifetime) => lifetime.ApplicationStarted.Register(() => _started = true);

    private static string? Refusal(Exception exception) => Reliability.DatabaseFaults.Chain(exception).Select(e => e switch
    {
        // Another process listens there: Kestrel's message names the address.
        IOException { InnerException: AddressInUseException } bind => $"{bind.Message} Give it another with --urls.",
        // The database is out of reach (down, or no such database) before the service has started.
        NpgsqlException when !_started && Reliability.DatabaseFaults.IsOutage(exception) =>
            $"{Unreached(exception)} cannot be reached: {Reliability.DatabaseOutageLog.Describe(exception)}",
        SettingRefusedException refused => refused.Message,
        // The databases given are not where the customers are (another order, another number): docs/scaling.md.
        Sharding.CustomerDatabasesRefusedException refused => refused.Message,
        // A touchpoint type added without saying which of its fields are personal (docs/contributing.md).
        Relationship.Privacy.PersonalDataUnclassifiedException unclassified => unclassified.Message,
        OptionsValidationException invalid => string.Join("; ", invalid.Failures),
        // The configuration binder's own refusal of a value it cannot convert, which names the key: '7d' for
        // a TimeSpan (a FormatException inside), 'abc' for a number (an ArgumentException around the FormatException).
        InvalidOperationException { InnerException: FormatException or ArgumentException } binding
            when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => binding.Message,
        _ => null,
    }).FirstOrDefault(message => message is not null);

    /// <summary>
    /// With customers over several databases, which one of <c>Tenancy:Databases</c> (its id and host:port):
    /// the error alone names only an address. With one database, the error's address says it all.
    /// </summary>
    public static string Unreached(Exception exception)
    {
        var databases = Reliability.DatabaseNames.Remembered;
        if (!databases.Any(d => d.OneOfSeveral)) return "the database";
        return Reliability.DatabaseNames.Describe(Reliability.DatabaseNames.NamedBy(exception, databases)) ?? $"a database of {Sharding.TenancySettings.Section}";
    }
}
