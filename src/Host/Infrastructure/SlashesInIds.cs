namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Ids may hold a slash (ERP keys such as "ACME/4711"), written %2F in a URL. The server decodes
/// every other escape of the path but leaves %2F as it is, so that it cannot split a segment; once
/// the route is matched, the route's id is decoded here, before any endpoint or the tenant detection
/// reads it. (So an id cannot hold the three characters "%2F" themselves.)
/// </summary>
public static class SlashesInIds
{
    public static IApplicationBuilder UseSlashesInRouteIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.RouteValues["id"] is string id && id.Contains(EncodedSlash, StringComparison.OrdinalIgnoreCase))
            context.Request.RouteValues["id"] = id.Replace(EncodedSlash, "/", StringComparison.OrdinalIgnoreCase);
        await next(context);
    });

    private const string EncodedSlash = "%2F";
}
