using EventCrm.Host.Exports;
using EventCrm.Host.Imports;
using EventCrm.Host.Rebuilds;

namespace EventCrm.Host.Infrastructure;

/// <summary>The data team's tools: event export, history import, projection status and rebuilds.</summary>
public static class DataToolsConfiguration
{
    public static IServiceCollection AddDataTools(this IServiceCollection services)
    {
        services.AddSingleton<EventExportSource>();
        services.AddSingleton<EventExport>();
        services.AddSingleton<ExportSlots>();
        services.AddSingleton<ImportCheckFactory>();
        services.AddSingleton<TouchpointImport>();
        services.AddSingleton<ImportSlots>();
        services.AddHostedService<ImportSpoolSweep>();
        services.AddSingleton<ProjectionCatalog>();
        services.AddSingleton<ProjectionStatusReader>();
        services.AddSingleton<ProjectionLocks>();
        services.AddSingleton<BlueGreenRebuild>();
        services.AddSingleton<ProfileFolds>();
        services.AddSingleton<InPlaceProfileRebuild>();
        services.AddSingleton<RebuildClaims>();
        services.AddSingleton<LeftoverSideBuilds>();
        services.AddHostedService<LeftoverSideBuildsAtStart>();
        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton<ProjectionRebuilds>();
        services.AddHostedService(s => s.GetRequiredService<ProjectionRebuilds>());
        return services;
    }
}
