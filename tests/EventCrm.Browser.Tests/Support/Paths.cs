namespace EventCrm.Browser.Tests.Support;

public static class Paths
{
    /// <summary>This test assembly's folder: tests/EventCrm.Browser.Tests/bin/&lt;Configuration&gt;/net10.0.</summary>
    public static string Output => AppContext.BaseDirectory;

    private static readonly DirectoryInfo OutputFolder = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
    private static readonly string Repository = OutputFolder.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The Host runs from its project folder, where its wwwroot is.</summary>
    public static string HostProject => Path.Combine(Repository, "src", "Host");

    /// <summary>The Host built in the same configuration as these tests.</summary>
    public static string HostDll => Path.Combine(HostProject, "bin", OutputFolder.Parent!.Name, OutputFolder.Name, "EventCrm.Host.dll");

    public static string Screenshots => Directory.CreateDirectory(Path.Combine(Output, "screenshots")).FullName;

    public static string Chromium => Environment.GetEnvironmentVariable("EVENTCRM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
}
