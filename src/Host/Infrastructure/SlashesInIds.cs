using Microsoft.AspNetCore.Http.Features;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Ids may hold a slash (ERP keys such as "ACME/4711"), written %2F in a URL. The server decodes
/// every other escape of the path but leaves %2F as it is, so that it cannot split a segment: the
/// route's id would then read "ACME%2F4711", the same as an id holding those three characters
/// (sent as %252F). Once the route is matched, the id is taken again from the request as sent,
/// where the two differ, and decoded once.
/// </summary>
public static class SlashesInIds
{
    public static IApplicationBuilder UseSlashesInRouteIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.RouteValues["id"] is string id && id.Contains("%2F", StringComparison.OrdinalIgnoreCase)
            && AsSent(context, id) is { } sent)
            context.Request.RouteValues["id"] = sent;
        await next(context);
    });

    /// <summary>The id's segment of the request target as sent, decoded; null when the two paths do not line up.</summary>
    private static string? AsSent(HttpContext context, string id)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target)) return null;
        var rawSegments = target.Split('?', 2)[0].Split('/');
        var segments = (context.Request.PathBase + context.Request.Path).ToString().Split('/');
        if (rawSegments.Length != segments.Length) return null;
        var index = Array.IndexOf(segments, id);
        return index < 0 ? null : Uri.UnescapeDataString(rawSegments[index]);
    }
}
