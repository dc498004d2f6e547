using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A request line over 8 KB is refused with 414, headers over 32 KB with 431, as Kestrel's defaults
/// did, but as problem documents naming what is too long. Kestrel refuses such requests itself,
/// before any middleware, with a bare status and no body: a client whose search or filter grew too
/// long learnt nothing. Kestrel's own limits are set well above ours, so that every refusal within
/// them is this one; past them (a request line over 64 KB, headers over 128 KB) Kestrel still
/// answers bare.
/// </summary>
public static class RequestLineAndHeaderLimits
{
    public const int MaxRequestLineBytes = 8 * 1024;
    public const int MaxHeadersBytes = 32 * 1024;
    public const int KestrelRequestLineBytes = 64 * 1024;
    public const int KestrelHeadersBytes = 128 * 1024;

    /// <summary>RFC 6585 defines 431 (as it does 429, <see cref="Access.TooManyRequests.Type"/>); RFC 9110, whose sections the other problems name, does not.</summary>
    public const string HeadersTooLargeType = "https://tools.ietf.org/html/rfc6585#section-5";

    public static void Raise(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = KestrelRequestLineBytes;
        limits.MaxRequestHeadersTotalSize = KestrelHeadersBytes;
    }

    public static IApplicationBuilder UseRequestLineAndHeaderLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (Refusal(context) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static IResult? Refusal(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        // As HTTP/1.1 sends it: "GET /api/customers?search=... HTTP/1.1\r\n".
        var line = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2;
        if (line > MaxRequestLineBytes)
            return Results.Problem(
                $"The request line is {line:N0} bytes, over the {MaxRequestLineBytes:N0} this service takes; its query string holds {request.QueryString.Value?.Length ?? 0:N0} of them. " +
                "Shorten the values sent in the address (a search, a filter).",
                statusCode: StatusCodes.Status414UriTooLong, title: "Request line too long");

        var sizes = request.Headers.Select(h => (h.Key, Bytes: h.Value.Sum(v => h.Key.Length + 2 + (v?.Length ?? 0) + 2))).ToList();
        var headers = sizes.Sum(h => h.Bytes);
        if (headers <= MaxHeadersBytes) return null;
        var largest = sizes.MaxBy(h => h.Bytes);
        return Results.Problem(
            $"The request's headers are {headers:N0} bytes, over the {MaxHeadersBytes:N0} this service takes; the largest is {largest.Key} ({largest.Bytes:N0} bytes).",
            statusCode: StatusCodes.Status431RequestHeaderFieldsTooLarge, title: "Request headers too large", type: HeadersTooLargeType);
    }
}
