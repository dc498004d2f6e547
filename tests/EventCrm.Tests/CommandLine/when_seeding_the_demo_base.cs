using System.Diagnostics;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

// `./eventcrm run` seeds the demo base on its first start; a user who stops it half-way (Ctrl-C
// during the progress bar) must get the whole base at the next start, not a part of it forever.
public class when_seeding_the_demo_base
{
    private const int Customers = 1000;
    private const string Whole = "eventcrm_seed_whole", Interrupted = "eventcrm_seed_interrupted";
    private const string Seeder = "eventcrm-seeding-to-interrupt";

    [Fact]
    public async Task a_seeding_interrupted_half_way_is_finished_by_the_next_run_as_it_began()
    {
        await DropSchema(Whole);
        await DropSchema(Interrupted);

        var (exit, output, errors) = await Seed(Whole, "--customers", $"{Customers}");
        exit.ShouldBe(0, errors);
        var whole = await Touchpoints(Whole);
        output.ShouldContain($"Seeded {Customers:N0} customers and {whole.Count:N0} touchpoints from ");
        output.ShouldNotContain("interrupted seeding");
        var (again, againOutput, _) = await Seed(Whole);
        again.ShouldBe(0, "nothing to seed is a success");
        againOutput.ShouldContain("Demo base already present: nothing to seed.");

        await SeedUntilTheFirstBatchThenKill(Interrupted);
        var partial = await Touchpoints(Interrupted);
        partial.Count.ShouldBeGreaterThan(0);
        partial.Count.ShouldBeLessThan(whole.Count, "the seeding was to be stopped half-way");

        // Asked for other sizes now: the seeding begun is finished as it was begun. Finishing it is
        // seeding (./eventcrm run tells a base seeded now from one present by the exit code).
        var (resumed, resumedOutput, resumedErrors) = await Seed(Interrupted, "--customers", "5", "--seed", "7", "--exit-code-when-present", "3");

        resumed.ShouldBe(0, resumedErrors);
        resumedOutput.ShouldContain($"Finishing the demo seeding begun for {Customers:N0} customers");
        (await Touchpoints(Interrupted)).ShouldBe(whole);
        // The summary tells the base as it now is, and how much of it this run appended, each on a line of
        // its own, whole (written to a pipe, the console used to break them at 80 columns).
        var summary = resumedOutput.Split('\n');
        summary.ShouldContain(line => line.StartsWith($"Seeded {Customers:N0} customers and {whole.Count:N0} touchpoints from ", StringComparison.Ordinal));
        summary.ShouldContain($"Of these, {whole.Count - partial.Count:N0} were appended now and {partial.Count:N0} had been stored by the interrupted seeding.");
        var (present, presentOutput, _) = await Seed(Interrupted, "--exit-code-when-present", "3");
        present.ShouldBe(3);
        presentOutput.ShouldContain("Demo base already present: nothing to seed.");
    }

    [Fact]
    public async Task a_second_seeding_waits_for_the_first_and_then_finds_the_base_there()
    {
        const string schema = "eventcrm_seed_twice";
        await DropSchema(schema);
        using var first = StartSeeding(schema, "eventcrm-first-seeder");
        await Waits.Until(async () => first.HasExited || await SchemaHasTouchpoints(schema), TimeSpan.FromMinutes(1));
        first.HasExited.ShouldBeFalse("the first seeding was to be under way");

        var (second, output, errors) = await Seed(schema, "--customers", "5");
        await first.WaitForExitAsync();

        first.ExitCode.ShouldBe(0);
        second.ShouldBe(0, errors);
        output.ShouldContain("Another seed-demo is seeding this base: waiting for it to finish...");
        output.ShouldContain("Demo base already present: nothing to seed.");
        output.ShouldNotContain("Finishing the demo seeding");
        (await SeedingRecords(schema)).ShouldBe(["demo-seeding-started", "demo-seeding-finished"]);
    }

    [Fact]
    public async Task a_base_of_no_customers_is_refused_before_anything_is_recorded()
    {
        var (exit, output, errors) = await Seed("eventcrm_seed_none", "--customers", "0");

        exit.ShouldNotBe(0);
        errors.ShouldContain("seed-demo: --customers must be at least 1");
        output.ShouldNotContain("--customers");
    }

    [Theory]
    [InlineData("1")]      // a failure's code: a script could not tell a base present from a failed seeding
    [InlineData("126")]    // the shell's own codes (not executable, not found, signals) begin here
    public async Task an_exit_code_for_a_base_present_that_a_script_could_misread_is_refused(string code)
    {
        var (exit, output, errors) = await Seed("eventcrm_seed_none", "--exit-code-when-present", code);

        exit.ShouldBe(1);
        errors.ShouldContain($"seed-demo: --exit-code-when-present must be 0 or from 2 to 125 (1 is a failure), not {code}");
        output.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("--customers", "abc")]
    [InlineData("--customers", "99999999999")]   // beyond an int
    [InlineData("-s", "1.5")]
    public async Task a_number_that_does_not_read_is_refused_in_one_line_naming_its_flag(string flag, string value)
    {
        var (exit, output, errors) = await Seed("eventcrm_seed_none", flag, value);

        // Until 2026-12-06: JasperFx's "Error parsing input" and a FormatException's stack trace on standard output.
        exit.ShouldBe(1);
        errors.Trim().ShouldBe($"seed-demo: {flag}: '{value}' is not a whole number from -2,147,483,648 to 2,147,483,647");
        output.ShouldBeEmpty();
    }

    private static Task<(int ExitCode, string Output, string Errors)> Seed(string schema, params string[] arguments) =>
        HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = schema }, ["seed-demo", .. arguments]);

    private static async Task SeedUntilTheFirstBatchThenKill(string schema)
    {
        using var seeding = StartSeeding(schema, Seeder);
        await Waits.Until(async () => seeding.HasExited || await SchemaHasTouchpoints(schema), TimeSpan.FromMinutes(1));
        seeding.Kill(entireProcessTree: true);
        await seeding.WaitForExitAsync();
        // A batch whose commit was already sent still lands after the process is gone: the count is
        // final only once the server has ended the seeder's sessions.
        await Waits.Until(async () => !await SeederStillConnected(), TimeSpan.FromMinutes(1));
    }

    /// <summary>A seed-demo of the base size in the background, known to the server by its application name.</summary>
    private static Process StartSeeding(string schema, string applicationName)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = HostCommandLine.HostFolder() };
        start.Environment["Marten__Schema"] = schema;
        start.Environment["ConnectionStrings__EventCrm"] = $"{Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")};Application Name={applicationName}";
        foreach (var argument in new[] { Path.Combine(HostCommandLine.HostFolder(), "EventCrm.Host.dll"), "seed-demo", "--customers", $"{Customers}" })
            start.ArgumentList.Add(argument);
        var seeding = Process.Start(start)!;
        _ = seeding.StandardOutput.ReadToEndAsync();
        _ = seeding.StandardError.ReadToEndAsync();
        return seeding;
    }

    /// <summary>What the seed-demo runs recorded of their seeding, in order (the demo-seeding system stream).</summary>
    private static async Task<List<string>> SeedingRecords(string schema)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand($"select type from {schema}.mt_events where stream_id = 'system:demo-seeding' order by version", connection);
        var types = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        return types;
    }

    private static async Task<bool> SeederStillConnected()
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand("select exists (select from pg_stat_activity where application_name = @name)", connection);
        command.Parameters.AddWithValue("name", Seeder);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> SchemaHasTouchpoints(string schema)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand($"select to_regclass('{schema}.mt_events') is not null and exists (select from {schema}.mt_streams where id not like 'system:%')", connection);
        try
        {
            return (bool)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            return false; // the table is being created
        }
    }

    /// <summary>Every touchpoint of the schema's customers, as ids and bodies, in order.</summary>
    private static async Task<List<string>> Touchpoints(string schema)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand(
            $"select stream_id || ' ' || version || ' ' || (data - 'touchpointId')::text || ' ' || (data->>'touchpointId') from {schema}.mt_events " +
            "where stream_id not like 'system:%' order by stream_id, version", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task DropSchema(string schema)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> Open()
    {
        var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        return connection;
    }
}
