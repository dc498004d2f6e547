using System.Text.Json.Nodes;
using EventCrm.Host.Replays;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

public sealed class ReplayedCustomerHost() : SchemaHost("eventcrm_replayed_customer")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("h-1", Jan1), Purchase("h-1", Jan1.AddDays(10), 100m, 30m), Purchase("h-1", Jan1.AddDays(100), 50m, 10m),
        SupportCall("h-1", Jan1.AddDays(120), 25m),
    });
}

/// <summary>
/// A replay stores every customer's values; a replayed customer's value history is worked out when
/// read, from the log as far as the replay covered it: what was recorded since does not change it.
/// </summary>
public class when_reading_a_replayed_customer(ReplayedCustomerHost replays) : IClassFixture<ReplayedCustomerHost>
{
    private async Task<string> Completed(string formula)
    {
        var id = (await replays.Host.PostJson("/api/replays", new { formula, asOf = "2025-12-31" }, 202))["id"]!.GetValue<string>();
        for (var waited = 0; waited < 600; waited++)
        {
            var state = (await replays.Host.GetJson($"/api/replays/{id}"))["state"]!.GetValue<string>();
            if (state != "running") return state == "completed" ? id : throw new ShouldAssertException($"replay {id} {state}");
            await Task.Delay(200);
        }
        throw new ShouldAssertException($"replay {id} still running");
    }

    private static decimal[] Column(JsonNode read, string field) =>
        read["history"]!.AsArray().Select(point => point![field]!.GetValue<decimal>()).ToArray();

    [Fact]
    public async Task the_history_is_the_log_the_replay_covered_and_a_later_replay_sees_what_came_since()
    {
        // Every input given: 100 x 2 x 3 = 600 for a customer who signed up.
        var version = (await replays.Host.PostJson("/api/formulas",
            new { name = "simple-clv", parameters = new { averageOrderValue = 100m, purchasesPerYear = 2m, lifetimeYears = 3m } }, 201))["version"];
        var formula = $"simple-clv@{version}";
        var first = await Completed(formula);

        // A purchase of 70 (margin 20) recorded after the replay, back-dated between the two others.
        await replays.Host.PostTouchpoints(new[] { Purchase("h-1", Jan1.AddDays(50), 70m, 20m) });
        var read = await replays.Host.GetJson($"/api/replays/{first}/customers/h-1");
        var later = await replays.Host.GetJson($"/api/replays/{await Completed(formula)}/customers/h-1");

        // signup (acquisition 120), purchases of 100 and 50, a support call of 25
        Column(read, "revenue").ShouldBe([0m, 100m, 150m, 150m]);
        Column(read, "profit").ShouldBe([-120m, -90m, -80m, -105m]);
        Column(read, "current").ShouldBe([600m, 600m, 600m, 600m]);
        read["value"]!["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(150m);
        Column(later, "revenue").ShouldBe([0m, 100m, 170m, 220m, 220m]);
        Column(later, "profit").ShouldBe([-120m, -90m, -70m, -60m, -85m]);
    }

    [Fact]
    public async Task the_model_it_was_valued_with_is_named_by_its_fitting_time_and_business_date_like_the_live_read()
    {
        await replays.Host.PostJson("/api/models/refit", new { asOf = "2025-06-30T00:00:00Z" }, 201);
        var live = await replays.Host.GetJson("/api/customers/h-1/value?asOf=2025-12-31");

        var read = await replays.Host.GetJson($"/api/replays/{await Completed("simple-clv@0")}/customers/h-1");

        read["value"]!["model"]!["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero));
        read["value"]!["model"]!["fittedAt"]!.GetValue<DateTimeOffset>().ShouldBe(live["model"]!["fittedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task a_replay_that_stored_its_histories_shows_the_stored_one()
    {
        var replay = await Completed("simple-clv@0");
        const string stored = """[{"touchpointId":"t-kept","type":"purchase","occurredAt":"2025-01-11T09:00:00+00:00","revenue":1.5,"profit":0.5,"current":2,"potential":0,"tier":"low"}]""";
        await using (var session = replays.Store.LightweightSession())
        {
            await using var command = new Npgsql.NpgsqlCommand(
                $"update {replays.Schema}.{ReplayStorage.TableName} set history = convert_to(@h, 'UTF8') where replay_id = @r and customer_id = 'h-1'");
            command.Parameters.AddWithValue("h", stored);
            command.Parameters.AddWithValue("r", replay);
            (await session.ExecuteAsync(command)).ShouldBe(1);
        }

        var read = await replays.Host.GetJson($"/api/replays/{replay}/customers/h-1");

        read["history"]!.AsArray().Select(point => point!["touchpointId"]!.GetValue<string>()).ShouldBe(["t-kept"]);
        Column(read, "revenue").ShouldBe([1.5m]);
    }
}
