using System.Security.Claims;
using System.Threading.RateLimiting;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace EventCrm.Host.Access;

/// <summary>
/// The optional rate of each API key (<see cref="PerSecondKey"/>): a token bucket per key id (the
/// bootstrap admin's too) of that many requests a second, with a burst of as many; past it a request
/// is answered 429 with Retry-After before anything else reads it. Off by default: the benchmarks
/// post thousands of touchpoints a second with one key. Runs after authentication, which names the
/// key; a request without a valid key is refused by it anyway, and the routes that need no key
/// (/health, the OpenAPI document) and the pages are never limited.
/// </summary>
public static class KeyRates
{
    public const string PerSecondKey = "Auth:RequestsPerSecondPerKey";

    /// <summary><see cref="PerSecondKey"/>, 0 for no limit; checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int PerSecondOf(IConfiguration configuration) => Settings.Count(configuration, PerSecondKey, 0);

    public static IServiceCollection AddKeyRates(this IServiceCollection services, IConfiguration configuration)
    {
        var perSecond = PerSecondOf(configuration);
        if (perSecond == 0) return services;
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<TimeProvider>((options, clock) =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => PartitionOf(context, perSecond, clock));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (rejected, _) => await TooManyRequests.Answer(rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1),
                "Too many requests",
                $"This API key sent more than {perSecond} requests in a second ({PerSecondKey}); nothing of this one was done. " +
                "Send it again after Retry-After seconds.");
        });
        return services;
    }

    /// <summary>After UseAuthentication: the partition is the authenticated key.</summary>
    public static WebApplication UseKeyRates(this WebApplication app)
    {
        if (PerSecondOf(app.Configuration) > 0) app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> PartitionOf(HttpContext context, int perSecond, TimeProvider clock) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId
            ? RateLimitPartition.Get(keyId, _ => new KeyBucket(perSecond, clock))
            : RateLimitPartition.GetNoLimiter(string.Empty);
}
