using System.Diagnostics;
using EventCrm.Bench.Infrastructure;
using Npgsql;

namespace EventCrm.Bench.Runner;

/// <summary>What every scenario gets: the database, the Host's location, sizes, and a log that ends up in the details file.</summary>
public sealed class BenchContext(BenchOptions options, string connectionString) : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public BenchOptions Options { get; } = options;
    public BenchSizes Sizes => Options.Sizes;
    public string ConnectionString { get; } = connectionString;
    public NpgsqlDataSource Database { get; } = NpgsqlDataSource.Create(connectionString);
    public string HostDir => Path.Combine(Options.RepoRoot, "src", "Host");
    /// <summary>Host logs, traces and BenchmarkDotNet artifacts of this run (git-ignored; emptied at the start of a run: a failed-append storm logs hundreds of MB).</summary>
    public string LogDir { get; } = FreshLogDir(Path.Combine(options.RepoRoot, "bench", "results", "logs.tmp"));

    private static string FreshLogDir(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        return Directory.CreateDirectory(path).FullName;
    }
    /// <summary>The bootstrap admin key the Host children get (Auth:AdminKey) and the load clients send.</summary>
    public string ApiKey { get; } = $"bench-{Guid.NewGuid():N}";

    public List<HostRun> HostRuns { get; } = [];
    public PostgresMemory? PostgresMemory { get; set; }
    /// <summary>Per measured phase: its length and the CPU seconds other processes (not the Host, PostgreSQL or the bench) used meanwhile.</summary>
    public List<(double Seconds, double OtherCpuSeconds)> OtherCpu { get; } = [];
    public StatementStats Statements => _statements ??= new StatementStats(Database);
    private StatementStats? _statements;
    public Dictionary<string, List<string>> Details { get; } = [];
    public string? CurrentScenario { get; set; }

    public static string SchemaFor(string scenario) => "bench_" + scenario.Replace('-', '_');

    public void Log(string line)
    {
        var stamped = $"[{_clock.Elapsed:mm\\:ss}] {(CurrentScenario is null ? "" : CurrentScenario + ": ")}{line}";
        lock (_gate)
        {
            Console.Error.WriteLine(stamped);
            if (CurrentScenario is not null)
            {
                if (!Details.TryGetValue(CurrentScenario, out var lines)) Details[CurrentScenario] = lines = [];
                lines.Add(line);
            }
        }
    }

    /// <summary>Drops and forgets a scenario's schema so every scenario starts from nothing.</summary>
    public async Task FreshSchemaAsync(string schema, CancellationToken ct)
    {
        await using var cmd = Database.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Drops a scenario's schema when it is done (unless --keep-schemas), so its autovacuum cannot disturb the next scenario.</summary>
    public async Task DoneWithSchemaAsync(string schema, CancellationToken ct)
    {
        if (Options.KeepSchemas) Log($"schema {schema} kept (--keep-schemas)");
        else await FreshSchemaAsync(schema, ct);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var cmd = Database.CreateCommand(sql);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync(ct))!, typeof(T));
    }

    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}

/// <summary>One Host child process: what it ran for and its peak working set (VmHWM) when it stopped.</summary>
public sealed record HostRun(string Label, double PeakWorkingSetMb, double StartSeconds);
