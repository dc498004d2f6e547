using System.Text.RegularExpressions;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The refusals Wolverine writes itself, before an endpoint runs, put in the shape of every other
/// problem of the API (docs/api.md): a query value that does not parse as the parameter's type
/// (<c>page=abc</c>, <c>skipInvalid=maybe</c>) and a JSON body that does not bind (the anchor's
/// <c>sequence</c> as an array, say). Wolverine names the parameter in an extension of its own, or
/// the field only inside its detail, next to .NET type names; a client reading <c>errors</c> found
/// nothing there. Here they get <c>errors</c> keyed by the parameter or field, RFC 9110's type and
/// the title of every 400, and no .NET type name.
/// </summary>
public static partial class FrameworkProblems
{
    /// <summary>
    /// Wolverine logs a body that does not bind as an error, stack trace and all, under the body
    /// type's own category (nothing else logs there). It is the caller's mistake, answered with a 400
    /// below: left in, any key holder could fill the service's error log with it. A level set for one
    /// provider (<c>Logging:Console:LogLevel:Default</c>) outranks every rule set for none, so the
    /// category is silenced for each provider the configuration names too.
    /// </summary>
    public static void KeepBodiesThatDoNotBindOutOfTheErrorLog(ILoggingBuilder logging) =>
        logging.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            foreach (var provider in options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
                options.Rules.Add(new LoggerFilterRule(provider, BodiesBoundByWolverine, LogLevel.Critical, filter: null));
        });

    private static readonly string BodiesBoundByWolverine = typeof(Audit.Anchors.AnchorToVerify).FullName!;

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        // The status code pages (no route, a method the route does not take, a body of another
        // media type) come without a detail; every problem of the API has one (docs/api.md).
        if (string.IsNullOrEmpty(problem.Detail) && DetailOf(problem.Status, context.HttpContext) is { } fallback) problem.Detail = fallback;
        if (problem.Status != StatusCodes.Status400BadRequest || problem.Extensions.ContainsKey("errors")) return;

        if (problem.Title == "Invalid query string value" && problem.Extensions.TryGetValue("parameter", out var parameter) && parameter is string name)
        {
            var message = QueryValue().Match(problem.Detail ?? "") is { Success: true } m
                ? $"'{m.Groups["value"].Value}' is not {Kind(m.Groups["type"].Value)}"
                : "cannot be read";
            Refuse(problem, name, message);
        }
        else if (problem.Title == "Invalid JSON format")
        {
            // A value of the wrong kind is the field's fault; JSON that does not parse, the body's.
            var detail = problem.Detail ?? "";
            var wrongKind = detail.Contains("could not be converted", StringComparison.Ordinal);
            var field = wrongKind && JsonPath().Match(detail) is { Success: true } m && m.Groups["path"].Value.TrimStart('$').TrimStart('.') is { Length: > 0 } path
                ? path
                : "body";
            var message = wrongKind
                ? "is not of the kind this field takes (a string, a number, an object or an array: see the documentation)"
                : "is not valid JSON: " + Location().Replace(detail, "").Trim();
            problem.Extensions.Remove("lineNumber");
            problem.Extensions.Remove("bytePositionInLine");
            problem.Instance = null;
            Refuse(problem, field, message);
        }
    }

    private static string? DetailOf(int? status, HttpContext http) => status switch
    {
        StatusCodes.Status404NotFound => $"No route {http.Request.Path}: see /openapi/v1.json for the routes.",
        StatusCodes.Status405MethodNotAllowed =>
            $"{http.Request.Method} is not allowed on {http.Request.Path}" + (http.Response.Headers.Allow is { Count: > 0 } allow ? $"; it takes {allow}." : "."),
        StatusCodes.Status415UnsupportedMediaType => "The body must be JSON, sent as Content-Type: application/json.",
        StatusCodes.Status406NotAcceptable => "This route answers JSON only (Accept: application/json).",
        _ => null,
    };

    private static void Refuse(Microsoft.AspNetCore.Mvc.ProblemDetails problem, string key, string message)
    {
        problem.Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1";
        problem.Title = "The request is invalid";
        problem.Detail = $"{key} {message}";
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [key] = [message] };
    }

    private static string Kind(string type) => type switch
    {
        "int" => "a whole number up to 2,147,483,647",
        "long" or "short" => "a whole number in range",
        "bool" => "true or false",
        "decimal" or "double" or "float" => "a number",
        "DateTimeOffset" or "DateTime" => "a date and time",
        _ => "a value of the expected kind",
    };

    [GeneratedRegex(@"has the value '(?<value>.*)' which cannot be parsed to the expected type (?<type>\S+)$", RegexOptions.Singleline)]
    private static partial Regex QueryValue();

    [GeneratedRegex(@"Path: (?<path>\$[^\s|]*)")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex Location();
}
