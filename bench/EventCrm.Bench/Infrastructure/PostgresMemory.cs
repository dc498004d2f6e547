using Npgsql;

namespace EventCrm.Bench.Infrastructure;

/// <summary>
/// Samples, once a second, the memory of the PostgreSQL server when it runs on this machine: the
/// sum of the proportional set size (Pss) of the postmaster and all its children, which counts
/// shared buffers once instead of once per backend. Keeps the peak.
/// </summary>
public sealed class PostgresMemory : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly int? _postmaster;

    private PostgresMemory(int? postmaster)
    {
        _postmaster = postmaster;
        _sampling = postmaster is null ? Task.CompletedTask : Task.Run(SampleAsync);
    }

    public double PeakMb { get; private set; }
    public bool Available => _postmaster is not null;
    public int? Postmaster => _postmaster;

    public static async Task<PostgresMemory> StartAsync(NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await cmd.ExecuteScalarAsync())!;
        var postmaster = ParentOf(backend);
        return new PostgresMemory(postmaster is { } p && File.Exists($"/proc/{p}/smaps_rollup") ? p : null);
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var pids = Directory.EnumerateDirectories("/proc")
                    .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
                    .Where(pid => pid > 0 && (pid == _postmaster || ParentOf(pid) == _postmaster));
                PeakMb = Math.Max(PeakMb, pids.Sum(PssKb) / 1024.0);
            }
            catch (IOException)
            {
            }
            try
            {
                await Task.Delay(1000, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public static int? ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long PssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
    }
}
