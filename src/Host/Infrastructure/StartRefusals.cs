using Microsoft.Extensions.Options;

namespace EventCrm.Host.Infrastructure;

/// <summary>A setting the service cannot run with, found at its start; the message names the key.</summary>
public sealed class SettingRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// A setting refused at the start stops the process with one line on standard error and exit code
/// 1, where the runtime would print the stack trace of an unhandled exception and abort (exit code
/// 134, a core dump under systemd). Any other unhandled exception keeps the runtime's full report.
/// </summary>
public static class StartRefusals
{
    public static void ReportInOneLine() => AppDomain.CurrentDomain.UnhandledException += (_, unhandled) =>
    {
        if (unhandled.ExceptionObject is not Exception exception || Refusal(exception) is not { } message) return;
        Console.Error.WriteLine($"EventCrm did not start: {message}");
        Environment.Exit(1);
    };

    private static string? Refusal(Exception exception) => Reliability.DatabaseFaults.Chain(exception).Select(e => e switch
    {
        SettingRefusedException refused => refused.Message,
        OptionsValidationException invalid => string.Join("; ", invalid.Failures),
        // The configuration binder's own refusal of a value it cannot convert, which names the key: '7d' for
        // a TimeSpan (a FormatException inside), 'abc' for a number (an ArgumentException around the FormatException).
        InvalidOperationException { InnerException: FormatException or ArgumentException } binding
            when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => binding.Message,
        _ => null,
    }).FirstOrDefault(message => message is not null);
}
