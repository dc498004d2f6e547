using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shouldly;

namespace EventCrm.Tests.Portfolio;

/// <summary>The base of <see cref="SmallPortfolio"/> in a schema of its own, for nodes started over it.</summary>
public sealed class StartedOverPortfolio() : SmallPortfolio("eventcrm_portfolio_start");

/// <summary>
/// A node valued the base only when the first portfolio request came: after a deploy that request waited up to
/// Portfolio:FirstValuationWait and was answered 503 for as long as a valuation takes (about 5 minutes at a million
/// customers). A node now starts its first valuation once started, in the background (Portfolio:ValueAtStart, on).
/// </summary>
public class when_a_node_starts_over_a_base(StartedOverPortfolio portfolio) : IClassFixture<StartedOverPortfolio>
{
    // No refresh within the scenario, and no wait: a request either has a valuation to answer from or is a 503.
    private static readonly (string Key, string Value)[] Settings =
        [("Portfolio:ValueAtStart", "on"), ("Portfolio:RefreshAfter", "01:00:00"), ("Portfolio:FirstValuationWait", "00:00:00")];

    [Fact]
    public async Task its_first_portfolio_request_is_answered_from_a_valuation_made_before_it()
    {
        await using var host = await AppFixture.StartHost(portfolio.Schema, Settings);
        var valuations = host.Services.GetRequiredService<PortfolioBase>();

        // Nobody has asked yet: the node values the base on its own.
        await Waits.Until(() => valuations.LastReads is not null);
        var asked = DateTimeOffset.UtcNow;
        var first = await host.GetJson("/api/portfolio/segments");

        first["asOf"]!.GetValue<DateTimeOffset>().ShouldBeLessThan(asked);
        CustomerIdsOf(first).Order().ShouldBe(["A", "B", "C", "D", "E"]);
        valuations.Valuing.ShouldBeFalse("the request found a valuation young enough and started none");
    }

    [Fact]
    public async Task the_start_does_not_wait_for_the_valuation()
    {
        var held = new LedgersLockedAtStart(portfolio.Schema);
        IAlbaHost host;
        // Generous, not a measure: a start that waited for the held valuation would never end while the lock is held.
        var starting = AppFixture.StartHost(portfolio.Schema, services => services.AddHostedService(_ => held), Settings);
        await using (held)
        {
            await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(60)));
            starting.IsCompleted.ShouldBeTrue("the node started while its first valuation was held");
            host = await starting;
            host.Services.GetRequiredService<PortfolioBase>().Valuing.ShouldBeTrue("the first valuation is under way");
        }
        await using var _ = host;

        // Let go, it completes: the node's first request is answered from it.
        await Waits.Until(() => host.Services.GetRequiredService<PortfolioBase>().LastReads is not null);
        CustomerIdsOf(await host.GetJson("/api/portfolio/segments")).ShouldContain("A");
    }

    [Fact]
    public async Task a_node_told_not_to_values_nothing_until_asked()
    {
        await using var host = await AppFixture.StartHost(portfolio.Schema, [.. Settings, ("Portfolio:ValueAtStart", "off")]);
        var valuations = host.Services.GetRequiredService<PortfolioBase>();

        // The host has started (ApplicationStarted is raised before StartHost returns): a valuation at start would be under way or done.
        valuations.Valuing.ShouldBeFalse();
        valuations.LastReads.ShouldBeNull();
    }

    [Fact]
    public async Task a_setting_other_than_on_or_off_stops_the_start_with_the_reason()
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => AppFixture.StartHost(portfolio.Schema, ("Portfolio:ValueAtStart", "yes")));
        failure.Message.ShouldContain("Portfolio:ValueAtStart must be \"on\" or \"off\"");
    }

    /// <summary>
    /// Locks the ledgers' table once the schema is migrated (the hosted services before it have started) and before
    /// the node counts as started: the valuation at start waits for it, as one of a large base takes minutes.
    /// </summary>
    private sealed class LedgersLockedAtStart(string schema) : IHostedService, IAsyncDisposable
    {
        private TableLock? _lock;

        public async Task StartAsync(CancellationToken cancellationToken) => _lock = await TableLock.Of(schema, "mt_doc_customerledger");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            // Let go by the scenario, then disposed again with the host's services.
            if (Interlocked.Exchange(ref _lock, null) is { } held) await held.DisposeAsync();
        }
    }

    private static List<string> CustomerIdsOf(JsonNode segments) =>
        segments["analysis"]!["quadrants"]!.AsArray().SelectMany(q => q!["customerIds"]!.AsArray().Select(id => id!.GetValue<string>())).ToList();
}
