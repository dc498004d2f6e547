namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The pages keep the caller's API key in the browser session: no script but the service's own
/// may run on them, and no other site may frame them. They use no inline script or style, so the
/// strictest policy costs nothing.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return next();
    });
}
