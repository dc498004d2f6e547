using System.Runtime.InteropServices;
using Npgsql;

namespace EventCrm.Bench.Reporting;

public static class Machine
{
    public static async Task<string> DescribeAsync(NpgsqlDataSource database)
    {
        var cpu = Read("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = Read("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var ram = memKb is null ? "? GB" : $"{long.Parse(memKb) / 1048576.0:F1} GB RAM";
        var os = Read("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? RuntimeInformation.OSDescription;
        var kernel = Read("/proc/sys/kernel/osrelease").FirstOrDefault() ?? "";
        await using var cmd = database.CreateCommand("SELECT current_setting('server_version') || ' (fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ')'");
        var pg = (string)(await cmd.ExecuteScalarAsync())!;
        return $"{Environment.ProcessorCount} cores ({cpu}), {ram}, {os}, Linux {kernel}, {RuntimeInformation.FrameworkDescription}, PostgreSQL {pg} on the same machine";
    }

    private static IEnumerable<string> Read(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
