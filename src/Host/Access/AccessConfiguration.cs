using Microsoft.AspNetCore.Authentication;

namespace EventCrm.Host.Access;

public static class AccessConfiguration
{
    public static IServiceCollection AddApiKeyAccess(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<UnknownKeyLimit>();
        services.AddSingleton<LiveKeyHashes>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var (policy, roles) in Policies.RolesFor)
                options.AddPolicy(policy, p => p.RequireRole([.. roles, Roles.Admin]));
        });
        return services;
    }
}
