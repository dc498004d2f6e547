using System.Diagnostics;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>
/// A throwaway PostgreSQL cluster of the test's own (initdb and pg_ctl into a temporary folder, a
/// free port), so that a test may stop the database under a running Host without disturbing any
/// other test. As root the server runs as the postgres user, which PostgreSQL requires.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PrivateCluster(string bin, string folder, int port) => (_bin, _folder, Port) = (bin, folder, port);

    public int Port { get; }
    private string Data => Path.Combine(_folder, "data");
    public string LogFile => Path.Combine(_folder, "postgresql.log");

    /// <summary>The connection string as an operator would write it: no timeouts, so the Host's own defaults are what is tested.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres";

    /// <summary>The PostgreSQL server binaries, or null when none is installed (./eventcrm installs them).</summary>
    public static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0).FirstOrDefault()
            : null;

    public static async Task<PrivateCluster> Create()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException("No PostgreSQL server binaries in /usr/lib/postgresql/*/bin: apt-get install postgresql");
        // Short: the unix socket path must stay under ~107 bytes.
        var folder = Path.Combine(Path.GetTempPath(), $"ecrm-pg-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(folder);
        var cluster = new PrivateCluster(bin, folder, HostProcess.FreePort());
        try
        {
            if (IsRoot) await Run("chown", null, "postgres:postgres", folder);
            await cluster.AsOwner("initdb", "-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions");
            await cluster.Start();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public Task Start() => AsOwner("pg_ctl", "-D", Data, "-l", LogFile, "-w", "-t", "60", "-o",
        $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        "start");

    /// <summary>pg_ctl stop -m fast: every session is ended at once, the server shuts down cleanly.</summary>
    public Task Stop() => AsOwner("pg_ctl", "-D", Data, "-m", "fast", "-w", "-t", "60", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid"))) await AsOwner("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held: the temp folder is cleaned some other day
        }
    }

    private static bool IsRoot => geteuid() == 0;

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    private Task AsOwner(string tool, params string[] arguments) =>
        IsRoot ? Run("runuser", "/", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments]) : Run(Path.Combine(_bin, tool), "/", arguments);

    private static async Task Run(string file, string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "/" };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output} {await errors}");
    }
}
