using EventCrm.Host.Retention;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;
using Wolverine;

namespace EventCrm.Tests.Retention;

/// <summary>
/// A desk step (here an offer's expiry) for a client whose stream another transaction holds
/// locked (an operator's <c>select ... for update</c> in psql, a long import): the step used to wait
/// for it without bound, its listener and connection with it, silently. It now gives up after 2 s,
/// says so in the log, and runs again later by itself (its message kept in the durable queue),
/// landing once the lock is gone.
/// </summary>
public class when_the_desk_meets_a_client_held_locked_elsewhere
{
    private const string Schema = "eventcrm_retention_held";

    [Fact]
    public async Task the_step_waits_two_seconds_says_which_client_it_waits_for_and_lands_once_the_lock_is_gone()
    {
        var logs = new CapturedLogs();
        await using var host = await AppFixture.StartHost(Schema, logs);
        await host.ResetAllData();
        var (alpha, offerId) = await RetentionClients.AlphaWithAnOffer(host);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var before = await Events(store, alpha);

        await using (await HeldStreamLock.Of(Schema, alpha))
        {
            using (var scope = host.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new ExpireRetentionOffer(alpha, offerId));
            var waits = await Until(() => logs.Since(0).FirstOrDefault(e => e.Category == typeof(RetentionDesk).FullName && e.Level == LogLevel.Warning),
                TimeSpan.FromSeconds(15), "the desk to say it waits for the client");
            waits.Message.ShouldBe($"The expiry of offer {offerId} of customer {alpha} waits, tried again later: The stream of {alpha} stayed " +
                "locked by another transaction for 2 s");
            // Nothing of the step is written while the client is held.
            (await Events(store, alpha)).ShouldBe(before);
        }

        // Retried 5 s after its first try (RetentionConfiguration.BusyCustomerRetries), by the durable queue's scheduler.
        var after = await Until(async () => await Events(store, alpha) is var now && now.Count > before.Count ? now : null,
            TimeSpan.FromSeconds(30), "the expiry to be recorded once the lock is gone");
        after.Skip(before.Count).ShouldBe([typeof(RetentionOfferExpired), typeof(CustomerChurned)]);
        // A routine wait, said by the desk's warning: no error about the step for an operator's alert (Wolverine logged each
        // try at Error: "Failed to process message", "was rescheduled to queue").
        logs.Since(0).Where(e => e.Level >= LogLevel.Error && e.Message.Contains(nameof(ExpireRetentionOffer), StringComparison.OrdinalIgnoreCase))
            .Select(e => $"{e.Category}: {e.Message}").ShouldBeEmpty();
    }

    private static async Task<List<Type>> Events(IDocumentStore store, string customerId)
    {
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamAsync(customerId)).Select(e => e.Data.GetType()).ToList();
    }

    private static Task<T> Until<T>(Func<T?> found, TimeSpan patience, string what) where T : class => Until(() => Task.FromResult(found()), patience, what);

    private static async Task<T> Until<T>(Func<Task<T?>> found, TimeSpan patience, string what) where T : class
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await found() is { } it) return it;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {patience.TotalSeconds} s for {what}");
            await Task.Delay(100);
        }
    }
}
