using EventCrm.Host.Infrastructure.Paging;
using EventCrm.Projections.Values;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Operations;

public sealed class DaemonPagingHost() : SchemaHost("eventcrm_paging",
    ("Marten:DaemonPageSize", "20"), ("Marten:DaemonCatchUpPageSize", "300"), ("Marten:DaemonCatchUpLag", "50"));

/// <summary>
/// The async projections take short pages at the head of the log and long ones when far behind
/// (Marten:DaemonPageSize, Marten:DaemonCatchUpPageSize, Marten:DaemonCatchUpLag; docs/design.md).
/// </summary>
public class when_the_daemon_falls_behind(DaemonPagingHost app) : IClassFixture<DaemonPagingHost>
{
    private DaemonPagePacing Pacing => app.Host.Services.GetRequiredService<DaemonPagePacing>();
    private int LedgerPageSize => ((StoreOptions)app.Store.Options).Projections.All.OfType<CustomerLedgerProjection>().Single().Options.BatchSize;

    /// <summary>The page size of every async shard, projections and subscriptions (audit seals, retention assessments).</summary>
    private int[] PageSizes => [.. ((StoreOptions)app.Store.Options).Projections.AllShards().Select(s => s.Options.BatchSize).Distinct()];

    [Fact]
    public async Task pages_grow_while_it_catches_up_and_shrink_back_at_the_head_of_the_log()
    {
        var coordinator = app.Host.Services.GetRequiredService<IProjectionCoordinator>();
        LedgerPageSize.ShouldBe(20);

        await coordinator.PauseAsync();
        try
        {
            var customer = Ids.Customer();
            await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1) }
                .Concat(Enumerable.Range(1, 79).Select(i => Purchase(customer, Jan1.AddDays(i)))).ToArray());

            var (lag, pageSize) = await Pacing.AdjustAsync(default);
            lag.ShouldBeGreaterThanOrEqualTo(80);
            pageSize.ShouldBe(300);
            PageSizes.ShouldBe([300]);
        }
        finally
        {
            await coordinator.ResumeAsync();
        }

        await app.Store.CatchUp();
        (await Pacing.AdjustAsync(default)).ShouldBe((0L, 20));
        PageSizes.ShouldBe([20]);
    }

    [Theory]
    [InlineData(5_000, 100, 500)]   // at the threshold: catch-up pages
    [InlineData(4_999, 100, 100)]   // just under it, coming from the head: still live pages
    [InlineData(4_999, 500, 500)]   // just under it, catching up: still catch-up pages (no flapping)
    [InlineData(1_001, 500, 500)]
    [InlineData(1_000, 500, 100)]   // within a fifth of the threshold: live pages again
    [InlineData(0, 500, 100)]
    public void the_page_size_follows_the_lag_with_a_margin(long lag, int current, int expected) =>
        new DaemonPages(Live: 100, CatchUp: 500, CatchUpLag: 5_000).For(lag, current).ShouldBe(expected);

    [Fact]
    public void the_defaults_are_short_live_pages_and_marten_s_pages_for_catching_up() =>
        DaemonPages.From(new ConfigurationBuilder().Build()).ShouldBe(new DaemonPages(25, 500, 5_000));

    [Theory]
    [InlineData("Marten:DaemonPageSize", "0")]
    [InlineData("Marten:DaemonCatchUpPageSize", "lots")]
    [InlineData("Marten:DaemonCatchUpLag", "-1")]
    public void a_bad_setting_is_named_in_the_error(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        Should.Throw<InvalidOperationException>(() => DaemonPages.From(configuration)).Message.ShouldContain(key);
    }
}
