using EventCrm.Host.Audit;
using EventCrm.Host.Audit.Anchors;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure.Paging;
using EventCrm.Host.Models;
using EventCrm.Host.Portfolio;
using EventCrm.Host.Reliability;
using EventCrm.Host.Replays;
using EventCrm.Host.Sharding;
using EventCrm.Host.Telemetry;
using EventCrm.Host.Touchpoints;
using Microsoft.Extensions.Options;

namespace EventCrm.Host.Infrastructure;

public static class FeatureServices
{
    /// <summary>The services of every feature slice; all are stateless or hold only short caches, so one instance serves all.</summary>
    public static IServiceCollection AddEventCrmFeatures(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<ProjectionLag>();
        services.AddSingleton<RebuildLag>();
        services.AddSingleton<ProfileRebuildLag>();
        services.AddSingleton<OpenOffers>();
        services.AddHostedService(sp => sp.GetRequiredService<OpenOffers>());
        services.AddSingleton<DeadLettersWaiting>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadLettersWaiting>());
        services.AddSingleton<EventCrmMetrics>();
        services.AddSingleton(sp => TenancySettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<CustomerDatabases>();
        services.AddSingleton<Reliability.DatabasesOutOfReach>();
        services.AddSingleton<PreparedStatementsOutOfStep>();
        services.AddHostedService<OutOfStepShardResets>();
        services.AddSingleton<CustomerDatabasePlaces>();
        services.AddSingleton<CustomerDatabasePlaceCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<CustomerDatabasePlaceCheck>());
        services.AddSingleton<TouchpointAppender>();
        services.AddSingleton<StreamRows>();
        services.AddSingleton<TouchpointClaims>();
        services.AddHostedService<EventTableStatistics>();
        services.AddSingleton(sp => DaemonPages.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<DaemonPagePacing>();
        services.AddHostedService(sp => sp.GetRequiredService<DaemonPagePacing>());
        services.AddSingleton<FormulaRegistryStore>();
        services.AddSingleton<PortfolioModels>();
        services.AddSingleton<PortfolioRefit>();
        services.AddSingleton<RefitTurn>();
        services.AddSingleton<LedgerLag>();
        services.AddSingleton<PortfolioValuation>();
        services.AddSingleton<PortfolioErasures>();
        services.AddSingleton<ProfileIdentities>();
        services.AddSingleton<StoredValuations>();
        services.AddSingleton<PortfolioBase>();
        services.AddHostedService<PortfolioValuationAtStart>();
        services.AddSingleton<StreamAudit>();
        services.AddSingleton<CustomerAudit>();
        services.AddSingleton<MisplacedStreams>();
        services.AddSingleton<LogAudit>();
        services.AddSingleton<AuditVerificationSlots>();
        services.AddSingleton<EventLogCheck>();
        services.AddSingleton<SealDigests>();
        services.AddOptions<AnchorScheduleOptions>().BindConfiguration(AnchorScheduleOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnchorScheduleOptions>, AnchorScheduleOptionsCheck>();
        services.AddHostedService<AnchorSchedule>();
        services.AddSingleton<ReplayRequests>();
        services.AddSingleton<LogEnd>();
        services.AddSingleton<ReplayEngine>();
        services.AddSingleton<ReplayResultQueries>();
        return services.AddDataTools();
    }
}
