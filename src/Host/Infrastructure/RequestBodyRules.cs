using Microsoft.Net.Http.Headers;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Marks a route that takes no body (an erasure, a revocation): a body sent to it is refused,
/// not ignored (<see cref="RequestBodyRules"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TakesNoBodyAttribute : Attribute;

/// <summary>
/// What every <c>/api</c> route asks of a request's body before its endpoint runs (docs/api.md):
/// <list type="bullet">
/// <item>no content coding but <c>identity</c>: a body sent with <c>Content-Encoding: gzip</c> is a 415
/// (RFC 9110 §15.5.16, an unsupported content coding). Until 2026-12-07 the header was ignored: a plain
/// body so labelled was appended, a really gzipped one refused as JSON or CSV that does not read
/// ("'0x1F' is an invalid start of a value"). Decompressing is not offered: the 413 limits bound the
/// bytes received, and a small gzip expands a thousandfold.</item>
/// <item>no body at all on a route marked <see cref="TakesNoBodyAttribute"/>: until 2026-12-07 such a body
/// was ignored, so <c>{"dryRun": true}</c> sent to an erasure erased the customer.</item>
/// </list>
/// Runs after the key is checked, as every refusal of what a request holds: 401 and 403 come first.
/// </summary>
public static class RequestBodyRules
{
    private const string ApiPrefix = "/api/";
    private const string Identity = "identity";

    public static IApplicationBuilder UseRequestBodyRules(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } endpoint
            && route.StartsWith(ApiPrefix, StringComparison.Ordinal)
            && (UnsupportedCoding(context.Request) ?? await BodyNotTaken(context.Request, endpoint, route)) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    /// <summary>A 415 naming the first content coding other than identity, with the one accepted (RFC 9110 §12.5.3: Accept-Encoding).</summary>
    private static IResult? UnsupportedCoding(HttpRequest request)
    {
        var codings = request.Headers.ContentEncoding.SelectMany(value => (value ?? "").Split(','))
            .Select(coding => coding.Trim()).Where(coding => coding.Length > 0);
        if (codings.FirstOrDefault(coding => !coding.Equals(Identity, StringComparison.OrdinalIgnoreCase)) is not { } coding) return null;
        request.HttpContext.Response.Headers[HeaderNames.AcceptEncoding] = Identity;
        return Results.Problem(
            $"Content-Encoding '{coding}' is not supported: send the body uncompressed, without Content-Encoding (or with identity). Nothing was read.",
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content encoding",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["Content-Encoding"] = [$"'{coding}' is not supported; send the body uncompressed"] } });
    }

    /// <summary>The longest body read to tell <c>{}</c> from a body that asks something: a longer one is refused unread.</summary>
    private const int LongestEmptyObject = 64;

    /// <summary>
    /// A 400 when a route that takes no body was sent one. An empty JSON object (<c>{}</c>, as a client that
    /// always sends JSON sends it) holds no field to be ignored, and is taken as no body.
    /// </summary>
    private static async Task<IResult?> BodyNotTaken(HttpRequest request, RouteEndpoint endpoint, string route)
    {
        if (endpoint.Metadata.GetMetadata<TakesNoBodyAttribute>() is null || request.ContentLength == 0) return null;
        if (request.ContentLength is null or <= LongestEmptyObject)
        {
            var buffer = new byte[LongestEmptyObject + 1];
            var read = 0;
            for (int n; read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), request.HttpContext.RequestAborted)) > 0;) read += n;
            if (read <= LongestEmptyObject && IsEmptyObject(buffer.AsSpan(0, read))) return null;
        }
        return Problems.Invalid($"{request.Method} {route} takes no body; send the request without one (or with {{}}). Nothing was done.",
            new Dictionary<string, string[]> { ["body"] = ["must be left out: this route takes no body"] });
    }

    /// <summary>Nothing but whitespace, or <c>{}</c> within whitespace.</summary>
    private static bool IsEmptyObject(ReadOnlySpan<byte> body)
    {
        body = body.Trim(" \t\r\n"u8);
        if (body.IsEmpty) return true;
        return body.Length >= 2 && body[0] == (byte)'{' && body[^1] == (byte)'}' && body[1..^1].Trim(" \t\r\n"u8).IsEmpty;
    }
}
