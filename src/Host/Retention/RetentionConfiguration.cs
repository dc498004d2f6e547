using EventCrm.Host.Touchpoints;
using Microsoft.Extensions.Options;
using JasperFx;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

namespace EventCrm.Host.Retention;

public static class RetentionConfiguration
{
    /// <summary>
    /// Every cancellation request reaches the assessment through a Marten event subscription (see <see cref="CancellationSubscription"/>),
    /// one instance built by the container: it reads the policy's <see cref="RetentionOptions.RequestsAssessedWithin"/>.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AssessCancellations(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten) =>
        marten.SubscribeToEventsWithServices<CancellationSubscription>(ServiceLifetime.Singleton);

    /// <summary>When a desk step whose customer was busy runs again: sooner first, then every minute.</summary>
    public static readonly TimeSpan[] BusyCustomerRetries =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)];

    public static WolverineOptions ConfigureRetention(this WolverineOptions opts, IConfiguration configuration)
    {
        // Scheduled expiries must survive a crash and fire once: durable local queues keep them in the database.
        opts.Policies.UseDurableLocalQueues();
        opts.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(2);
        // A step that lost a race all the same (see RetentionDesk): decide again against the new state.
        opts.Policies.OnException<ConcurrencyException>().RetryWithCooldown(
            TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        // A customer held locked by another transaction: the step gave up after StreamLocks.SharedWait,
        // and runs again later, for as long as it takes (its message stays in the durable queue meanwhile).
        opts.Policies.OnException<CustomerBusyException>().ScheduleRetryIndefinitely(BusyCustomerRetries);
        opts.Services.AddOptions<RetentionOptions>().Bind(configuration.GetSection("Retention")).ValidateOnStart();
        opts.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsCheck>();
        opts.Services.AddSingleton<RetentionDesk>();
        return opts;
    }
}
