using Microsoft.AspNetCore.Http.Features;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Ids may hold a slash (ERP keys such as "ACME/4711"), written %2F in a URL. The server decodes
/// every other escape of the path but leaves %2F as it is, so that it cannot split a segment: the
/// route's id would then read "ACME%2F4711", the same as an id holding those three characters
/// (sent as %252F). Once the route is matched, the id is taken again from the request as sent,
/// where the two differ, and decoded once. So for every id of a route (a replay's customer too).
/// </summary>
public static class SlashesInIds
{
    public static IApplicationBuilder UseSlashesInRouteIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var escaped = context.Request.RouteValues
            .Where(v => v.Value is string id && id.Contains("%2F", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var (name, value) in escaped)
            if (AsSent(context, (string)value!) is { } sent) context.Request.RouteValues[name] = sent;
        await next(context);
    });

    /// <summary>The id's segment of the request target as sent, decoded; null when the two paths do not line up.</summary>
    private static string? AsSent(HttpContext context, string id)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target)) return null;
        var rawSegments = target.Split('?', 2)[0].Split('/');
        // Value, not ToString(): the latter escapes again what the server decoded ("Müller" as "M%C3%BCller", a space as
        // %20), and an id holding a slash and any such character was then never found among the segments.
        var segments = (context.Request.PathBase + context.Request.Path).Value?.Split('/') ?? [];
        if (rawSegments.Length != segments.Length) return null;
        var index = Array.IndexOf(segments, id);
        return index < 0 ? null : Uri.UnescapeDataString(rawSegments[index]);
    }
}
