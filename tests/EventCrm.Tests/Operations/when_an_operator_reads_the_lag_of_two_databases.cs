using Alba;
using EventCrm.Host.Infrastructure.Paging;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Sharding;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A Host whose customers are spread over two databases of its own, made for this class and dropped
/// after it: named after the test run's database (its name, then _lag_0 and _lag_1), so that they are
/// never another class's (the Sharding classes share theirs) nor another run's on a shared server.
/// </summary>
public sealed class TwoLaggingDatabases : IAsyncLifetime
{
    public const string Schema = "eventcrm_metrics_sharded";
    private static readonly string Prefix = new NpgsqlConnectionStringBuilder(Scaling.NodeProcess.TestDatabase()).Database + "_lag";
    public string[] Databases { get; } = [TwoDatabases.DatabaseNamed($"{Prefix}_0"), TwoDatabases.DatabaseNamed($"{Prefix}_1")];
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        foreach (var database in Databases) await TwoDatabases.RecreateAsync(database);
        Host = await AppFixture.StartHost(Schema, ("Tenancy:Databases:0", Databases[0]), ("Tenancy:Databases:1", Databases[1]));
        // A customer in each, processed: every shard has a position in both databases (none has one in an empty log).
        foreach (var database in new[] { 0, 1 }) await Host.PostTouchpoints(SignUp(CustomerOf(database), Jan1));
        await TwoDatabases.CaughtUpEverywhere(Host);
    }

    /// <summary>A new customer whose stream is in the database of that number (<see cref="CustomerShardRule"/>).</summary>
    public static string CustomerOf(int database)
    {
        while (true)
            if (Ids.Customer() is var id && CustomerShardRule.DatabaseOf(id, 2) == database) return id;
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            await Host.DisposeAsync();
        }
        foreach (var database in Databases) await TwoDatabases.DropAsync(database);
    }
}

/// <summary>eventcrm.projection.lag's eventcrm.database tag with Tenancy:Databases (docs/operations.md, "Metrics").</summary>
public class when_an_operator_reads_the_lag_of_two_databases(TwoLaggingDatabases bases) : IClassFixture<TwoLaggingDatabases>
{
    [Fact]
    public async Task each_shard_s_lag_is_given_per_database_under_its_tenant_id()
    {
        using var metrics = new RecordedMetrics(bases.Host.Services);
        var store = bases.Host.Services.GetRequiredService<IDocumentStore>();
        var pacing = bases.Host.Services.GetRequiredService<DaemonPagePacing>();
        var shards = ((StoreOptions)store.Options).Projections.AllShards().Select(s => s.Name.Identity).Order().ToArray();
        var coordinator = bases.Host.Services.GetRequiredService<IProjectionCoordinator>();
        // One customer of each database: 3 events for the first, 5 for the second.
        var (first, second) = (TwoLaggingDatabases.CustomerOf(0), TwoLaggingDatabases.CustomerOf(1));
        await TwoDatabases.CaughtUpEverywhere(bases.Host);

        await coordinator.PauseAsync();
        try
        {
            await bases.Host.PostTouchpoints(new[] { SignUp(first, Jan1), Purchase(first, Jan1.AddDays(1)), Purchase(first, Jan1.AddDays(2)) });
            await bases.Host.PostTouchpoints(new[] { SignUp(second, Jan1) }.Concat(Enumerable.Range(1, 4).Select(i => Purchase(second, Jan1.AddDays(i)))).ToArray());
            await pacing.AdjustAsync(default);
            var behind = metrics.Observe("eventcrm.projection.lag")
                .Select(m => (Database: (string)m.Tags["eventcrm.database"]!, Shard: (string)m.Tags["eventcrm.projection.shard"]!, m.Value)).ToList();

            behind.Select(m => m.Database).Distinct().Order().ShouldBe(["db0", "db1"]);
            foreach (var database in new[] { "db0", "db1" })
                behind.Where(m => m.Database == database).Select(m => m.Shard).Order().ToArray().ShouldBe(shards, database);
            behind.Where(m => m.Database == "db0").ShouldAllBe(m => m.Value == 3);
            behind.Where(m => m.Database == "db1").ShouldAllBe(m => m.Value == 5);
        }
        finally
        {
            await coordinator.ResumeAsync();
        }

        await TwoDatabases.CaughtUpEverywhere(bases.Host);
        await pacing.AdjustAsync(default);
        var caughtUp = metrics.Observe("eventcrm.projection.lag");
        caughtUp.Count.ShouldBe(2 * shards.Length);
        caughtUp.ShouldAllBe(m => m.Value == 0);
    }
}
