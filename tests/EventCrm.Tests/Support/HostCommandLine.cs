using System.Diagnostics;

namespace EventCrm.Tests.Support;

/// <summary>Runs the Host's command line as a user would: a separate process of the built Host.</summary>
public static class HostCommandLine
{
    public static Task<(int ExitCode, string Output, string Errors)> Run(params string[] arguments) => Run(new Dictionary<string, string>(), arguments);

    public static Task<(int ExitCode, string Output, string Errors)> Run(IDictionary<string, string> environment, params string[] arguments) =>
        RunIn(HostFolder(), environment, arguments);

    /// <summary>
    /// The command on a machine where nothing is configured: none of the settings the test run
    /// passes down (the connection string, the schema, ...), only the environment's own variables.
    /// </summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunWithNothingConfigured(params string[] arguments) =>
        RunIn(HostFolder(), new Dictionary<string, string>(), arguments, nothingConfigured: true);

    /// <summary>The command run from another folder: what it writes to relative paths lands there.</summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunIn(string folder, IDictionary<string, string> environment, params string[] arguments) =>
        RunIn(folder, environment, arguments, nothingConfigured: false);

    private static async Task<(int ExitCode, string Output, string Errors)> RunIn(string folder, IDictionary<string, string> environment, string[] arguments,
        bool nothingConfigured)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        // A setting in the environment is a key with "__" (ConnectionStrings__EventCrm, Tenancy__Databases__0).
        if (nothingConfigured) foreach (var key in start.Environment.Keys.Where(k => k.Contains("__")).ToList()) start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.ArgumentList.Add(Path.Combine(HostFolder(), "EventCrm.Host.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command or service that should have ended (a start meant to be refused) must not outlive the test.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet EventCrm.Host.dll {string.Join(' ', arguments)} was still running after 2 minutes: stopped. " +
                                       $"Its last output: {Tail(await output)} {Tail(await errors)}");
        }
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>
    /// The command started and left running, for a test that acts on it meanwhile (sends it a signal, as Ctrl-C or a
    /// `kill` would): <see cref="RunningCommand.EndedAsync"/> gives what <see cref="Run(string[])"/> gives.
    /// </summary>
    public static RunningCommand Start(IDictionary<string, string> environment, params string[] arguments)
    {
        // Through env, which resets SIGINT to its default before it runs dotnet in its own process: a test run started in
        // the background of a shell (nohup ... &) ignores SIGINT, every process it starts inherits that, and .NET then
        // leaves SIGINT ignored, as a shell's background job does: the command would never see the test's Ctrl-C.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = HostFolder() };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(HostFolder(), "EventCrm.Host.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        return new RunningCommand(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync(), string.Join(' ', arguments));
    }

    public sealed class RunningCommand(Process process, Task<string> output, Task<string> errors, string arguments) : IDisposable
    {
        /// <summary>The process id: env and then `dotnet EventCrm.Host.dll` run the Host in the process started.</summary>
        public int Id => process.Id;

        /// <summary>Sends the process a signal by name (INT, TERM), as `kill -INT` does.</summary>
        public async Task SignalAsync(string signal)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.Id.ToString()]))!;
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {process.Id} exited {kill.ExitCode}");
        }

        /// <summary>Waits for the process to end (2 minutes at most: then it is killed and the test fails).</summary>
        public async Task<(int ExitCode, string Output, string Errors)> EndedAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet EventCrm.Host.dll {arguments} was still running after 2 minutes: stopped. " +
                                           $"Its last output: {Tail(await output)} {Tail(await errors)}");
            }
            return (process.ExitCode, await output, await errors);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }

    private static string Tail(string text) => text.Length <= 2_000 ? text : text[^2_000..];

    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    // tests/EventCrm.Tests/bin/<Configuration>/net10.0 -> src/Host/bin/<Configuration>/net10.0
    public static string HostFolder()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryFolder(), "src", "Host", "bin", testOutput.Parent!.Name, testOutput.Name);
    }

    public static string RepositoryFolder() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
}
