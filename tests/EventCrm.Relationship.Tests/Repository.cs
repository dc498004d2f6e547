namespace EventCrm.Relationship.Tests;

/// <summary>The checkout these tests run from, for the scenarios that read its sources and docs.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "EventCrm.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException($"no EventCrm.sln above {AppContext.BaseDirectory}");
    }
}
