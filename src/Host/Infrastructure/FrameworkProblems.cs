using System.Text.RegularExpressions;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The refusals written without a route's own words, put in the shape of every other problem of the
/// API (docs/api.md): the status code pages (no route, a method the route does not take) get a
/// detail, and Wolverine's 400 for a query value that does not parse as the parameter's type
/// (<c>page=abc</c>, <c>skipInvalid=maybe</c>) gets <c>errors</c> keyed by the parameter, RFC
/// 9110's type and the title of every 400, and no .NET type name: Wolverine names the parameter
/// in an extension of its own, next to .NET type names, and a client reading <c>errors</c> found
/// nothing there. Applied by <see cref="ProblemDocuments"/> to every problem, whatever the
/// request's <c>Accept</c>. (JSON bodies are read by <see cref="JsonRequestBody"/>, never bound by
/// Wolverine, so no body refusal of Wolverine's is left to reshape.)
/// </summary>
public static partial class FrameworkProblems
{
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
}
