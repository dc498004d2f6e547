using EventCrm.Tests.Support;
using Npgsql;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Runs the Host's data verbs (export, import, rebuild) as a user would, in a separate process,
/// against a schema of the test's choosing (the Host reads it from Marten__Schema).
/// </summary>
public static class DataCommandLine
{
    public static Task<(int ExitCode, string Output, string Errors)> Run(string schema, params string[] arguments) =>
        HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = schema }, arguments);

    /// <summary>Drops a schema so a command-line scenario starts from an empty store.</summary>
    public static Task DropSchema(string schema) => Execute($"drop schema if exists {schema} cascade");

    public static async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> Count(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static string ConnectionString() =>
        Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")
        ?? throw new InvalidOperationException("ConnectionStrings__EventCrm is not set");
}
