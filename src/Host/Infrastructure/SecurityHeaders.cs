namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The pages keep the caller's API key in the browser session: no script but the service's own
/// may run on them, and no other site may frame them. They use no inline script or style, so the
/// strictest policy costs nothing. The API's answers hold names, emails and free text: no browser
/// or proxy may keep a copy of them.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var api = context.Request.Path.StartsWithSegments("/api");
        // Written as the answer starts rather than now: the exception handler clears the headers of
        // the answer it replaces with its own (a 413, a 503, a 500).
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (api) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next();
    });
}
