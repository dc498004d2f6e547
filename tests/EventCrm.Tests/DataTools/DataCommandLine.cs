using System.Diagnostics;
using Npgsql;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Runs the Host's data verbs (export, import, rebuild) as a user would, in a separate process,
/// against a schema of the test's choosing (the Host reads it from Marten__Schema).
/// </summary>
public static class DataCommandLine
{
    public static async Task<(int ExitCode, string Output, string Errors)> Run(string schema, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = HostFolder() };
        start.Environment["Marten__Schema"] = schema;
        start.ArgumentList.Add(Path.Combine(HostFolder(), "EventCrm.Host.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Drops a schema so a command-line scenario starts from an empty store.</summary>
    public static async Task DropSchema(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> Count(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string ConnectionString() =>
        Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")
        ?? throw new InvalidOperationException("ConnectionStrings__EventCrm is not set");

    // tests/EventCrm.Tests/bin/<Configuration>/net10.0 -> src/Host/bin/<Configuration>/net10.0
    private static string HostFolder()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        var repository = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(repository, "src", "Host", "bin", configuration, testOutput.Name);
    }
}
