namespace EventCrm.Browser.Tests.Support;

public static class Paths
{
    /// <summary>Beside this test assembly (tests/EventCrm.Browser.Tests/bin/&lt;Configuration&gt;/net10.0): each scenario's last screen.</summary>
    public static string Screenshots => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static string Chromium => Environment.GetEnvironmentVariable("EVENTCRM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
}
