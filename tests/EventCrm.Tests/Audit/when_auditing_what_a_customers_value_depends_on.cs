using System.Text.Json.Nodes;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

/// <summary>A schema of its own: a scenario alters the formula registry, which every customer's audit of the schema then reports.</summary>
public sealed class ValueInputsHost() : SchemaHost(SchemaName)
{
    public const string SchemaName = "eventcrm_audit_inputs";
    public const string Customer = "inputs-a";

    // The value of inputs-a depends on simple-clv@1 (registered, then put in force) and on the model refitted once.
    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(new[] { SignUp(Customer, Jan1), Purchase(Customer, Jan1.AddDays(1), amount: 100m) });
        var registered = await Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 4m } }, 201);
        await Host.PostJson("/api/formulas/default", new { formula = $"simple-clv@{registered["version"]}" }, 200);
        await Host.PostJson("/api/models/refit", new { }, 201);
        await Store.CatchUp();
    }
}

// An auditor proving one customer's value must see that the formula and the model it was computed
// with are intact too: until 2026-12-05 (night) this audit checked the customer's own stream only,
// and said valid while its value was computed with a formula altered in the table.
public class when_auditing_what_a_customers_value_depends_on(ValueInputsHost inputs) : IClassFixture<ValueInputsHost>
{
    private static readonly string[] ValueInputs = ["system:formula-registry", "system:portfolio-model"];

    [Fact]
    public async Task an_intact_customer_valued_with_an_intact_formula_and_model_is_valid_and_lists_both_streams()
    {
        var report = await inputs.Host.GetJson($"/api/customers/{ValueInputsHost.Customer}/audit");

        report["valid"]!.GetValue<bool>().ShouldBeTrue();
        report["checked"]!.GetValue<int>().ShouldBe(2);
        report["firstMismatch"].ShouldBeNull();
        var dependsOn = report["dependsOn"]!.AsArray();
        dependsOn.Select(d => d!["streamId"]!.GetValue<string>()).ShouldBe(ValueInputs);
        dependsOn.ShouldAllBe(d => d!["valid"]!.GetValue<bool>() && d["unsealed"]!.GetValue<int>() == 0 && d["firstMismatch"] == null);
        // The version registered and the version put in force; the one refit.
        dependsOn.Select(d => d!["checked"]!.GetValue<int>()).ShouldBe([2, 1]);
    }

    /// <summary>Checked in every customer's dependsOn; audited as a customer it was answered as one.</summary>
    [Theory]
    [InlineData("system:formula-registry")]
    [InlineData("system:portfolio-model")]
    public async Task a_stream_of_the_service_s_own_is_no_customer(string streamId)
    {
        await inputs.Host.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{Uri.EscapeDataString(streamId)}/audit");
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task a_formula_version_whose_parameters_were_altered_in_the_table_fails_the_customer_s_audit_at_that_event()
    {
        await using var session = inputs.Store.QuerySession();
        var registration = (await session.Events.FetchStreamAsync(SystemStreams.FormulaRegistry)).Single(e => e.Data is FormulaVersionRegistered);
        var stored = await Scalar("select data::text from mt_events where seq_id = @seq", registration.Sequence);

        await Scalar("update mt_events set data = jsonb_set(data, '{parameters,lifetimeYears}', '40') where seq_id = @seq returning 1", registration.Sequence);
        try
        {
            var report = await inputs.Host.GetJson($"/api/customers/{ValueInputsHost.Customer}/audit");

            report["valid"]!.GetValue<bool>().ShouldBeFalse();
            // The customer's own events are untouched, and still reported as such.
            report["checked"]!.GetValue<int>().ShouldBe(2);
            report["firstMismatch"].ShouldBeNull();
            var (registry, model) = (report["dependsOn"]![0]!, report["dependsOn"]![1]!);
            registry["streamId"]!.GetValue<string>().ShouldBe(SystemStreams.FormulaRegistry);
            registry["valid"]!.GetValue<bool>().ShouldBeFalse();
            registry["checked"]!.GetValue<int>().ShouldBe(0);
            registry["firstMismatch"]!["sequence"]!.GetValue<long>().ShouldBe(registration.Sequence);
            registry["firstMismatch"]!["version"]!.GetValue<long>().ShouldBe(1);
            registry["firstMismatch"]!["problem"]!.GetValue<string>().ShouldBe("the event differs from what was sealed");
            // The registration alone: the version put in force after it, sealed on its sealed hash, verifies.
            registry["mismatchCount"]!.GetValue<int>().ShouldBe(1);
            registry["mismatches"]!.AsArray().Select(m => (m!["sequence"]!.GetValue<long>(), m["version"]!.GetValue<long>()))
                .ShouldBe([(registration.Sequence, 1L)]);
            model["valid"]!.GetValue<bool>().ShouldBeTrue();
            model["mismatches"]!.AsArray().ShouldBeEmpty();
            model["mismatchCount"]!.GetValue<int>().ShouldBe(0);
            report["mismatches"]!.AsArray().ShouldBeEmpty();
        }
        finally
        {
            // The same jsonb again (stored canonically, so the same text): the other scenario finds the registry intact.
            await Scalar("update mt_events set data = @data::jsonb where seq_id = @seq returning 1", registration.Sequence, stored);
        }
    }

    private static async Task<string> Scalar(string sql, long sequence, string? data = null)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set search_path to {ValueInputsHost.SchemaName}; {sql}", connection);
        command.Parameters.AddWithValue("seq", sequence);
        if (data is not null) command.Parameters.AddWithValue("data", data);
        return (await command.ExecuteScalarAsync())!.ToString()!;
    }
}
