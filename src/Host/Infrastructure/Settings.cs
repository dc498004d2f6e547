using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Reading settings that the service uses only now and then (an erasure's wait, a rebuild's swap,
/// an import's rows kept): read through here, and once at start (<see cref="CheckAtStart"/>), so that
/// a value that cannot be read stops the start naming its key, instead of making every erasure,
/// import or rebuild answer 500 long after.
/// </summary>
public static class Settings
{
    /// <summary>A duration of zero or more (hh:mm:ss, or d.hh:mm:ss), or <paramref name="fallback"/> when the key is not set.</summary>
    public static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback)
    {
        if (configuration[key] is not { Length: > 0 } text) return fallback;
        // A bare number would read as days ("15": 15 days, where 15 seconds was surely meant): a duration has its colons.
        return text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration) && duration >= TimeSpan.Zero
            ? duration
            : throw new SettingRefusedException(
                $"{key} must be a duration of zero or more, as hh:mm:ss or d.hh:mm:ss (e.g. {fallback:c}), not \"{text}\".");
    }

    /// <summary>A whole number of zero or more, or <paramref name="fallback"/> when the key is not set.</summary>
    public static int Count(IConfiguration configuration, string key, int fallback)
    {
        if (configuration[key] is not { Length: > 0 } text) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new SettingRefusedException($"{key} must be a whole number of zero or more (e.g. {fallback}), not \"{text}\".");
    }

    /// <summary>"on" or "off" (as <c>Marten:Daemon</c>), or <paramref name="fallback"/> when the key is not set.</summary>
    public static bool OnOff(IConfiguration configuration, string key, bool fallback) => configuration[key] switch
    {
        null or "" => fallback,
        "on" => true,
        "off" => false,
        var other => throw new SettingRefusedException($"{key} must be \"on\" or \"off\", not \"{other}\"."),
    };

    /// <summary>A connection string Npgsql can read; the message names the key, never the string (it may hold a password).</summary>
    public static void CheckConnectionString(string key, string? connectionString)
    {
        if (connectionString is not { Length: > 0 }) return;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new SettingRefusedException($"{key} is not a PostgreSQL connection string (\"Host=...;Port=...;Database=...;Username=...\"): {e.Message}");
        }
    }

    /// <summary>Reads, at start, every setting that would otherwise be read for the first time long after it.</summary>
    public static void CheckAtStart(IConfiguration configuration)
    {
        CheckConnectionString($"ConnectionStrings:{StoreConfiguration.ConnectionStringName}",
            configuration.GetConnectionString(StoreConfiguration.ConnectionStringName));
        foreach (var database in configuration.GetSection(Sharding.TenancySettings.Section).GetChildren())
            CheckConnectionString($"{Sharding.TenancySettings.Section}:{database.Key}", database.Value);
        Privacy.PostErasureEndpoint.SealWaitOf(configuration);
        Rebuilds.TakeOver.TryForOf(configuration);
        Imports.TouchpointImport.KeptBetweenPassesOf(configuration);
        Imports.ImportSlots.MaxConcurrentOf(configuration);
        Imports.ImportSpoolFolder.Of(configuration);
        Exports.ExportSlots.MaxConcurrentOf(configuration);
        Exports.EventExport.FlushDeadlineOf(configuration);
        Audit.AuditVerificationSlots.MaxConcurrentOf(configuration);
        Access.UnknownKeyLimit.PerMinuteOf(configuration);
        Access.KeyRates.PerSecondOf(configuration);
        Portfolio.PortfolioBase.CheckSettings(configuration);
    }

    /// <summary>
    /// The policies bound from configuration (Retention, Audit), checked before the host is built, by the
    /// same rules as at its start. The service's `run` verb hands the start to JasperFx, which reports a
    /// start refused there on standard output only, and with --urls exits 0, where the README promises
    /// one line on standard error and exit code 1 whichever way the service is started.
    /// </summary>
    public static void CheckPolicies(IConfiguration configuration)
    {
        Refuse(new Retention.RetentionOptionsCheck(configuration).Validate(null, Bound<Retention.RetentionOptions>(configuration, "Retention")));
        Refuse(new Audit.Anchors.AnchorScheduleOptionsCheck().Validate(null,
            Bound<Audit.Anchors.AnchorScheduleOptions>(configuration, Audit.Anchors.AnchorScheduleOptions.Section)));
    }

    private static T Bound<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }

    private static void Refuse(ValidateOptionsResult result)
    {
        if (result.Failed) throw new OptionsValidationException(string.Empty, typeof(Settings), result.Failures);
    }
}
