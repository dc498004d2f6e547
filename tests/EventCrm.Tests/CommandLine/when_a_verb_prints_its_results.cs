using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// A script reads a verb's standard output: its first line is the verb's first result, and data a
/// verb prints is the data itself. JasperFx's search for verbs used to put an empty line first.
/// </summary>
public class when_a_verb_prints_its_results
{
    private const string Schema = "eventcrm_verb_output";

    [Fact]
    public async Task its_first_line_is_its_first_result_and_an_anchor_is_byte_for_byte_the_file_written()
    {
        await DropSchema();
        // A terminal type that takes colours: written to a pipe, the output has none all the same.
        var environment = new Dictionary<string, string> { ["Marten__Schema"] = Schema, ["TERM"] = "xterm-256color" };

        var (seeded, seeding, seedingErrors) = await HostCommandLine.Run(environment, "seed-demo", "--customers", "3");
        var (_, again, _) = await HostCommandLine.Run(environment, "seed-demo");

        seeded.ShouldBe(0, seedingErrors);
        seeding.ShouldStartWith("Seeded 3 customers and ");
        // Progress goes to standard error: the bar once drawn (on a loaded machine it came first here), and the
        // spinner's line, written whenever a spinner starts in a pipe.
        seeding.ShouldNotContain("Seeding demo customers");
        seeding.ShouldNotContain("Fitting the portfolio model");
        seedingErrors.ShouldContain("Fitting the portfolio model (BG/NBD, Gamma-Gamma, retention, benchmarks)...");
        seeding.ShouldNotContain("\u001b[", customMessage: "an escape code (colour) in the output");
        again.ShouldBe("Demo base already present: nothing to seed.\n");

        var file = Path.Combine(Directory.CreateTempSubdirectory("eventcrm-anchor-").FullName, "anchor.json");
        var (anchored, anchor, anchorErrors) = await HostCommandLine.Run(environment, "audit-anchor", "--out", file);

        anchored.ShouldBe(0, anchorErrors);
        anchor.ShouldStartWith("{");
        anchor.ShouldBe(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    private static async Task DropSchema()
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }
}
