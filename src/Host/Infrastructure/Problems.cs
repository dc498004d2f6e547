namespace EventCrm.Host.Infrastructure;

/// <summary>RFC 7807 answers with the same shape everywhere: a title, a detail and, when fields or items are at fault, errors by key.</summary>
public static class Problems
{
    public static IResult Invalid(string detail, IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, detail, title: "The request is invalid", statusCode: StatusCodes.Status400BadRequest);

    public static IResult Invalid(string key, string message) =>
        Invalid(message, new Dictionary<string, string[]> { [key] = [message] });

    public static IResult NotFound(string detail, IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status404NotFound, "Not found", detail, errors);

    public static IResult Forbidden(string detail) =>
        Of(StatusCodes.Status403Forbidden, "Forbidden", detail, null);

    public static IResult Conflict(string detail, IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status409Conflict, "Conflict", detail, errors);

    public static IResult Unprocessable(string detail, string title = "Cannot be computed") =>
        Of(StatusCodes.Status422UnprocessableEntity, title, detail, null);

    public static IResult Unavailable(string detail) =>
        Of(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail, null);

    private static IResult Of(int status, string title, string detail, IDictionary<string, string[]>? errors) =>
        Results.Problem(detail, statusCode: status, title: title,
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });
}
