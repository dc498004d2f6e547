using System.Text.Json;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Marten.Events;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

public class when_rebuilding_a_projection(LedgerBase ledgers) : IClassFixture<LedgerBase>
{
    private async Task<string[]> AllLedgers()
    {
        await using var session = ledgers.Store.QuerySession();
        var all = await session.Query<CustomerLedger>().ToListAsync();
        return all.OrderBy(l => l.CustomerId).Select(l => JsonSerializer.Serialize(l)).ToArray();
    }

    [Fact]
    public async Task the_async_ledger_is_rebuilt_to_the_same_documents_and_then_follows_new_events()
    {
        var before = await AllLedgers();

        await ledgers.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl("/api/projections/CustomerLedger/rebuild");
            s.StatusCodeShouldBe(202);
            s.Header("Location").SingleValueShouldEqual("/api/projections/CustomerLedger");
        });
        var status = await RebuildWaits.UntilCompleted(ledgers.Host, "CustomerLedger");

        (await AllLedgers()).ShouldBe(before);
        status["lifecycle"]!.GetValue<string>().ShouldBe("async");
        status["lastRebuild"]!["targetHighWaterMark"]!.GetValue<long>().ShouldBeGreaterThan(0);
        await ledgers.Host.PostTouchpoints(Purchase("L1", Jan1.AddDays(30), 50m, 10m));
        await ledgers.Store.CatchUp();
        await using var session = ledgers.Store.QuerySession();
        (await session.LoadAsync<CustomerLedger>("L1"))!.Historical.Revenue.ShouldBe(300m - 20m + 50m);
    }

    [Fact]
    public async Task the_status_gives_the_position_and_the_high_water_mark()
    {
        await ledgers.Store.CatchUp();

        var all = await ledgers.Host.GetJson("/api/projections");
        var ledger = await ledgers.Host.GetJson("/api/projections/customerledger");

        all.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldContain("SpendByCategory");
        ledger["name"]!.GetValue<string>().ShouldBe("CustomerLedger");
        ledger["highWaterMark"]!.GetValue<long>().ShouldBeGreaterThan(0);
        ledger["position"]!.GetValue<long>().ShouldBe(ledger["highWaterMark"]!.GetValue<long>());
        ledger["eventsBehind"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task an_unknown_projection_is_refused_and_only_data_and_admin_keys_may_rebuild()
    {
        var desk = (await ledgers.Host.PostJson("/api/keys", new { name = "rebuild desk", roles = new[] { "desk" } }, 201))["key"]!.GetValue<string>();

        var unknown = await ledgers.Host.PostJson("/api/projections/NoSuchThing/rebuild", new { }, 404);
        foreach (var projection in new[] { "CustomerLedger", "CustomerProfile" })
            await ledgers.Host.Scenario(s =>
            {
                s.Post.Json(new { }).ToUrl($"/api/projections/{projection}/rebuild");
                s.WithRequestHeader(AppFixture.ApiKeyHeader, desk);
                s.StatusCodeShouldBe(403);
            });

        unknown["detail"]!.GetValue<string>().ShouldContain("CustomerProfile");
    }

    [Fact]
    public async Task the_command_line_refuses_a_projection_a_running_service_runs()
    {
        await ledgers.Store.CatchUp();

        var (exit, _, errors) = await DataCommandLine.Run(LedgerBase.SchemaName, "rebuild", "--projection", "CustomerLedger");

        exit.ShouldNotBe(0);
        errors.ShouldContain("POST /api/projections/CustomerLedger/rebuild");
        // The service runs in this test process, under no application name of its own: it goes by this machine and process.
        errors.ShouldContain($"A running service ({Environment.MachineName}:{Environment.ProcessId}) holds 'CustomerLedger'");
    }
}
