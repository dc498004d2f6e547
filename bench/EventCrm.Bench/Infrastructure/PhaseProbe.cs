using System.Diagnostics;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Infrastructure;

/// <summary>
/// Where the time of a measured phase goes, seen from outside the processes: CPU seconds used by
/// the Host, the PostgreSQL server and this process (from /proc, so no agent is needed), and what
/// the server's active backends were waiting on (pg_stat_activity sampled every 100 ms: CPU when
/// they wait on nothing, Lock:transactionid when they queue behind another transaction's rows,
/// IO:WALSync or LWLock:WALWrite when commits wait for the disk, Client:ClientRead when they
/// wait for the application).
/// </summary>
public sealed class PhaseProbe : IAsyncDisposable
{
    private readonly BenchContext _ctx;
    private readonly int? _hostPid;
    private readonly int? _postmaster;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly (double Host, double Postgres, double Bench, double Commands) _cpuAtStart;
    private readonly double _machineAtStart;
    private readonly Dictionary<string, int> _waits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly long _hostLogAtStart;
    private readonly string? _hostLog;
    private int _samples;
    private readonly Process? _trace;
    private readonly string? _traceFile;

    private PhaseProbe(BenchContext ctx, HostProcess? host)
    {
        (_ctx, _hostPid, _hostLog) = (ctx, host?.Pid, host?.LogFile);
        _postmaster = ctx.PostgresMemory?.Postmaster;
        _cpuAtStart = Cpu();
        _machineAtStart = MachineBusySeconds();
        _hostLogAtStart = _hostLog is null ? 0 : new FileInfo(_hostLog).Length;
        _updatesAtStart = Updates();
        _sampling = Task.Run(SampleAsync);
        if (ctx.Options.Trace && host is not null) (_trace, _traceFile) = StartTrace(ctx, host);
    }

    /// <summary>dotnet-trace's sampled thread time of the Host: which code the wall-clock time of requests is spent in, waits included.</summary>
    private static (Process?, string?) StartTrace(BenchContext ctx, HostProcess host)
    {
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        if (!File.Exists(tool))
        {
            ctx.Log("--trace: dotnet-trace is not installed (dotnet tool install -g dotnet-trace); no trace");
            return (null, null);
        }
        var file = Path.Combine(ctx.LogDir, $"{ctx.Options.Mode}-{ctx.CurrentScenario}-{DateTime.UtcNow:HHmmss}.nettrace");
        var info = new ProcessStartInfo(tool, ["collect", "-p", host.Pid.ToString(), "-o", file, "--profile", "dotnet-sampled-thread-time"])
            { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Thread.Sleep(1500); // the session needs a moment to attach
        return (process, file);
    }

    /// <summary>CPU seconds the Host used during the phase (known once the probe is disposed).</summary>
    public double HostCpuSeconds { get; private set; }

    public static PhaseProbe Start(BenchContext ctx, HostProcess? host = null) => new(ctx, host);

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var cmd = _ctx.Database.CreateCommand("""
                    SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU (running)')
                    FROM pg_stat_activity
                    WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                      AND query NOT ILIKE '%pg_sleep%' -- the leader lock's keep-alive sleeps on its connection
                    """);
                await using var reader = await cmd.ExecuteReaderAsync(_stop.Token);
                var any = false;
                while (await reader.ReadAsync(_stop.Token))
                {
                    var wait = reader.GetString(0);
                    _waits[wait] = _waits.GetValueOrDefault(wait) + 1;
                    any = true;
                }
                _samples++;
                if (_samples % 10 == 1) await SampleHorizonAsync();
                if (!any) _waits["(no active backend)"] = _waits.GetValueOrDefault("(no active backend)") + 1;
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Npgsql.NpgsqlException)
            {
            }
        }
    }

    /// <summary>
    /// Sessions whose snapshot is older than <see cref="OldSnapshot"/>: while one is held, no dead row
    /// version younger than it can be vacuumed or pruned from a page, in any table of the database, so
    /// updated documents pile up versions that every index lookup then walks past.
    /// </summary>
    private async Task SampleHorizonAsync()
    {
        await using var cmd = _ctx.Database.CreateCommand("""
            SELECT extract(epoch FROM now() - coalesce(xact_start, query_start))::float8, state || ': ' || left(regexp_replace(query, '\s+', ' ', 'g'), 60)
            FROM pg_stat_activity
            WHERE backend_xmin IS NOT NULL AND pid <> pg_backend_pid() AND now() - coalesce(xact_start, query_start) > $1
            """);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = OldSnapshot });
        await using var reader = await cmd.ExecuteReaderAsync(_stop.Token);
        _horizonSamples++;
        var held = false;
        while (await reader.ReadAsync(_stop.Token))
        {
            held = true;
            _oldestSnapshotSeconds = Math.Max(_oldestSnapshotSeconds, reader.GetDouble(0));
            _snapshotHolders.Add(reader.GetString(1));
        }
        if (held) _samplesWithOldSnapshot++;
    }

    private static readonly TimeSpan OldSnapshot = TimeSpan.FromSeconds(5);
    private int _horizonSamples, _samplesWithOldSnapshot;
    private double _oldestSnapshotSeconds;
    private readonly HashSet<string> _snapshotHolders = [];
    private readonly (long Updates, long Hot) _updatesAtStart;

    private (long Updates, long Hot) Updates()
    {
        using var cmd = _ctx.Database.CreateCommand("SELECT coalesce(sum(n_tup_upd), 0)::int8, coalesce(sum(n_tup_hot_upd), 0)::int8 FROM pg_stat_user_tables");
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void LogHorizon()
    {
        var (updates, hot) = Updates();
        (updates, hot) = (updates - _updatesAtStart.Updates, hot - _updatesAtStart.Hot);
        _ctx.Log($"vacuum horizon: a snapshot older than {OldSnapshot.TotalSeconds:F0} s was held in {_samplesWithOldSnapshot} of {_horizonSamples} one-second samples" +
                 (_samplesWithOldSnapshot == 0 ? "" : $" (oldest {_oldestSnapshotSeconds:F0} s, by {string.Join("; ", _snapshotHolders.Take(3))})") +
                 $"; row updates in the phase {updates:N0}, {(updates == 0 ? 0 : (double)hot / updates):P0} of them HOT (in place, no new index entry)");
    }

    public async ValueTask DisposeAsync()
    {
        var elapsed = _watch.Elapsed.TotalSeconds;
        var (host, pg, bench, commands) = Cpu();
        var machine = MachineBusySeconds() - _machineAtStart;
        if (_trace is not null)
        {
            ChildProcesses.Interrupt(_trace.Id); // dotnet-trace stops and writes the file on SIGINT
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await _trace.WaitForExitAsync(patience.Token);
            _ctx.Log($"trace of the Host: {Path.GetRelativePath(_ctx.Options.RepoRoot, _traceFile!)} (dotnet-trace report FILE topN)");
        }
        await _stop.CancelAsync();
        await _sampling;
        var cores = Environment.ProcessorCount;
        HostCpuSeconds = host - _cpuAtStart.Host;
        commands -= _cpuAtStart.Commands;
        var ours = (host - _cpuAtStart.Host) + (pg - _cpuAtStart.Postgres) + (bench - _cpuAtStart.Bench) + commands;
        _ctx.Log($"CPU during the phase ({elapsed:F1} s, {cores} cores): " +
                 (_hostPid is null ? "" : $"Host {(host - _cpuAtStart.Host) / elapsed:F2} cores, ") +
                 (_postmaster is null ? "" : $"PostgreSQL {(pg - _cpuAtStart.Postgres) / elapsed:F2} cores, ") +
                 $"bench {(bench - _cpuAtStart.Bench) / elapsed:F2} cores, " +
                 (commands < 0.01 ? "" : $"commands the bench ran and saw end {commands / elapsed:F2} cores, ") +
                 $"other processes on the machine {Math.Max(0, machine - ours) / elapsed:F2} cores " +
                 $"(machine busy {machine / elapsed / cores:P0})");
        _ctx.OtherCpu.Add((elapsed, Math.Max(0, machine - ours)));
        var total = Math.Max(1, _waits.Values.Sum());
        _ctx.Log($"server backends, {_samples} samples of pg_stat_activity: mean {(double)_waits.Where(w => w.Key != "(no active backend)").Sum(w => w.Value) / Math.Max(1, _samples):F1} active; " +
                 string.Join(", ", _waits.OrderByDescending(w => w.Value).Take(6).Select(w => $"{w.Key} {100.0 * w.Value / total:F0}%")));
        LogHorizon();
        if (_hostLog is not null) LogHostLog();
    }

    /// <summary>
    /// CPU seconds so far of the Host, of the server (its live processes, and the backends that have
    /// ended: the postmaster reaps them, so theirs is in its children's time) and of this process,
    /// and those of the commands this process ran and reaped (an import, seed-demo).
    /// </summary>
    private (double Host, double Postgres, double Bench, double Commands) Cpu()
    {
        var host = _hostPid is { } h ? CpuSeconds(h).Own : 0;
        var pg = 0.0;
        if (_postmaster is { } pm)
        {
            pg = CpuSeconds(pm).Reaped;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && (pid == pm || PostgresMemory.ParentOf(pid) == pm)) pg += CpuSeconds(pid).Own;
            }
        }
        var bench = CpuSeconds(Environment.ProcessId);
        return (host, pg, bench.Own, bench.Reaped);
    }

    /// <summary>What the Host logged during the phase: its size, and the error entries by kind (failed commands are logged in full).</summary>
    private void LogHostLog()
    {
        using var file = new FileStream(_hostLog!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(_hostLogAtStart, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        var (entries, fails) = (0, 0);
        var states = new Dictionary<string, int>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 5 && line[4] == ':' && line[5] == ' ' && line[0] is 'i' or 'w' or 'f' or 'c' or 'd' or 't')
            {
                entries++;
                if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)) fails++;
            }
            var at = line.IndexOf("SqlState: ", StringComparison.Ordinal);
            if (at >= 0)
            {
                var state = line[(at + 10)..].Trim();
                states[state] = states.GetValueOrDefault(state) + 1;
            }
        }
        var grown = file.Length - _hostLogAtStart;
        _ctx.Log($"Host log during the phase: {grown / 1048576.0:N1} MB, {entries:N0} entries, {fails:N0} at error level" +
                 (states.Count == 0 ? "" : $"; PostgreSQL errors in them: {string.Join(", ", states.OrderByDescending(s => s.Value).Select(s => $"{s.Key} ×{s.Value:N0}"))}" +
                     " (23505 unique violation: a lost optimistic-concurrency race; 40P01 deadlock; MT003 stream version mismatch)"));
    }

    /// <summary>Busy CPU seconds of the whole machine so far (/proc/stat: user, nice, system, irq, softirq, steal).</summary>
    public static double MachineBusySeconds()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(f[i])) / 100.0;
    }

    /// <summary>A process's own utime + stime, and its children's that it has reaped (cutime + cstime), in seconds.</summary>
    private static (double Own, double Reaped) CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // USER_HZ is 100 on Linux
            return ((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0, (long.Parse(fields[13]) + long.Parse(fields[14])) / 100.0);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }
}
