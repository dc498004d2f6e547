namespace EventCrm.Host.Access;

/// <summary>The 429 of the access limits (<see cref="UnknownKeyLimit"/>, <see cref="KeyRates"/>), a problem like every refusal of the API.</summary>
public static class TooManyRequests
{
    /// <summary>RFC 6585 defines 429; RFC 9110, whose sections the other problems name, does not.</summary>
    public const string Type = "https://tools.ietf.org/html/rfc6585#section-4";

    public static Task Answer(HttpContext context, TimeSpan retryAfter, string title, string detail)
    {
        context.Response.Headers.RetryAfter = SecondsOf(retryAfter).ToString();
        return Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: title, type: Type).ExecuteAsync(context);
    }

    /// <summary>Whole seconds, rounded up, and at least 1: a client coming back sooner would only be refused again.</summary>
    public static long SecondsOf(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
}
