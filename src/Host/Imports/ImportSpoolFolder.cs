using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Imports;

/// <summary>
/// Where <c>POST /api/imports</c> spools its bodies (<see cref="Key"/>; the system's temporary folder unless set): an
/// operator may put them on an encrypted or memory-backed volume of their own.
/// </summary>
public static class ImportSpoolFolder
{
    public const string Key = "Import:SpoolFolder";

    /// <summary>The folder, checked at start (<see cref="Settings.CheckAtStart"/>): one that does not exist would fail every upload.</summary>
    public static string Of(IConfiguration configuration)
    {
        if (configuration[Key] is not { Length: > 0 } folder) return Path.GetTempPath();
        return Directory.Exists(folder) ? folder : throw new SettingRefusedException($"{Key} must be an existing folder, not \"{folder}\".");
    }
}
