namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Where the service finds its settings (appsettings.json) and its pages (wwwroot). ASP.NET looks in the
/// working folder; a service started elsewhere (a systemd unit without WorkingDirectory, a script in
/// another folder) would find neither: its pages would be 404s and its log filters gone, so every
/// request URL, search terms included, would be logged. Then the folder of the service's own files is
/// used, which the build fills with both. Only for the service (no verb, or <c>run</c>): a command's
/// content root stays its working folder, where <c>codegen write</c> writes the handler code.
/// </summary>
public static class HostFolder
{
    public static WebApplicationOptions Options(string[] args) => new() { Args = args, ContentRootPath = ContentRoot(args) };

    private static string? ContentRoot(string[] args)
    {
        var chosenByOperator = args.Any(a => a == "-c" || a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 };
        if (chosenByOperator || DataVerbs.RunsAVerb(args) || HasSettings(Directory.GetCurrentDirectory())) return null;
        return HasSettings(AppContext.BaseDirectory) ? AppContext.BaseDirectory : null;
    }

    private static bool HasSettings(string folder) => File.Exists(Path.Combine(folder, "appsettings.json"));
}
