namespace EventCrm.Host.Infrastructure;

/// <summary>RFC 7807 answers with the same shape everywhere: a title, a detail and, when fields or items are at fault, errors by key.</summary>
public static class Problems
{
    /// <summary>How many faults a 400's detail spells out; <c>errors</c> keeps them all.</summary>
    public const int FaultsNamedInDetail = 10;

    /// <summary>
    /// A 400 whose detail names what is at fault (docs/api.md): a client or an operator reading only
    /// the detail, in a log line say, must learn which field to fix. A summary that names no key
    /// ("3 field(s) are invalid") gets the faults appended, the first <see cref="FaultsNamedInDetail"/> of them.
    /// </summary>
    public static IResult Invalid(string detail, IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, Naming(detail, errors), title: "The request is invalid", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>
    /// One field at fault: the detail reads "asOf must be ..." rather than a bare "must be ...". The key leads
    /// the detail unless the message already opens with it: "to" within "(3 days to come)" does not name it.
    /// </summary>
    public static IResult Invalid(string key, string message) =>
        Invalid(OpensWith(message, key) ? message : $"{key} {message}", new Dictionary<string, string[]> { [key] = [message] });

    public static IResult NotFound(string detail, IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status404NotFound, "Not found", detail, errors);

    public static IResult Forbidden(string detail) =>
        Of(StatusCodes.Status403Forbidden, "Forbidden", detail, null);

    public static IResult Conflict(string detail, IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status409Conflict, "Conflict", detail, errors);

    public static IResult Unprocessable(string detail, string title = "Cannot be computed", IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status422UnprocessableEntity, title, detail, errors);

    public static IResult Unavailable(string detail, string title = "Service unavailable", IDictionary<string, string[]>? errors = null) =>
        Of(StatusCodes.Status503ServiceUnavailable, title, detail, errors);

    /// <summary>The detail as given when it names every key already, else followed by "key message; key message".</summary>
    public static string Naming(string detail, IDictionary<string, string[]> errors)
    {
        if (errors.Keys.All(key => Names(detail, key))) return detail;
        var named = errors.Take(FaultsNamedInDetail).Select(e => Fault(e.Key, e.Value.FirstOrDefault()));
        var more = errors.Count > FaultsNamedInDetail ? $"; and {errors.Count - FaultsNamedInDetail:N0} more (see errors)" : "";
        var faults = string.Join("; ", named) + more;
        return $"{detail.TrimEnd()} {faults}{(faults.EndsWith('.') ? "" : ".")}";
    }

    /// <summary>"amount must be a number", but "line 3: amount: must be a number" where the key is a phrase of its own.</summary>
    private static string Fault(string key, string? message) => key.Contains(' ') ? $"{key}: {message}" : $"{key} {message}";

    private static bool OpensWith(string message, string key) =>
        new[] { key, $"The {key}" }.Any(opening => message.StartsWith(opening, StringComparison.Ordinal)
            && (message.Length == opening.Length || !char.IsLetterOrDigit(message[opening.Length])));

    /// <summary>Whether the text holds the key as a word of its own: "to" is not named by "customer" nor "today".</summary>
    private static bool Names(string text, string key)
    {
        for (var at = text.IndexOf(key, StringComparison.Ordinal); at >= 0; at = text.IndexOf(key, at + 1, StringComparison.Ordinal))
        {
            var end = at + key.Length;
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end]))) return true;
        }
        return false;
    }

    private static IResult Of(int status, string title, string detail, IDictionary<string, string[]>? errors) =>
        Results.Problem(detail, statusCode: status, title: title,
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });
}
