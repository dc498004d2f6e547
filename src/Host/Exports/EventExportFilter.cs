using EventCrm.Host.Infrastructure;
using EventCrm.Host.Values;

namespace EventCrm.Host.Exports;

/// <summary>
/// Which events an export holds. From and to bound the recorded time (knowledge time: when the
/// appending transaction started), not the business time, so successive exports neither repeat
/// nor skip a back-dated touchpoint for being back-dated. A transaction still open when a window
/// ending "now" is exported can land in it later: docs/api.md says to end windows in the past.
/// </summary>
public sealed record EventExportFilter(DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<string> Types, string? CustomerId)
{
    public static readonly EventExportFilter Everything = new(null, null, [], null);

    /// <summary>
    /// Reads the filter as the HTTP query and the command line give it, and says every field that is wrong.
    /// Null is a filter not given; an empty one (<c>customerId=</c>, <c>--customer ""</c>: a script's
    /// variable left unset) is refused, never read as "every customer": that exported the whole base,
    /// personal data included, to a caller who meant one customer.
    /// </summary>
    public static (EventExportFilter Filter, Dictionary<string, string[]> Errors) Parse(
        string? from, string? to, string? types, string? customerId, IReadOnlySet<string> knownTypes)
    {
        var errors = new Dictionary<string, string[]>();
        var start = Time(from, "from", errors);
        var end = Time(to, "to", errors);
        if (start is { } s && end is { } e && s >= e) errors["to"] = ["must be after from"];

        var names = (types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (types is not null && names.Count == 0) errors["types"] = [$"{Empty}; leave it out for every type"];
        var unknown = names.Where(n => !knownTypes.Contains(n)).ToList();
        if (unknown.Count > 0)
            errors["types"] = [$"unknown event type(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; expected some of: {string.Join(", ", knownTypes.Order())}"];

        if (QueryText.HoldsNul(customerId)) errors["customerId"] = [QueryText.NulRule];
        else if (customerId is not null && string.IsNullOrWhiteSpace(customerId)) errors["customerId"] = [$"{Empty}; leave it out for every customer"];
        var customer = string.IsNullOrWhiteSpace(customerId) ? null : customerId.Trim();
        return (new EventExportFilter(start, end, names, customer), errors);
    }

    private const string Empty = "is given empty";

    private static DateTimeOffset? Time(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[name] = [$"{Empty}; leave it out for no bound"];
            return null;
        }
        if (Moments.BoundProblem(text, out var time) is not { } problem) return time;
        errors[name] = [problem];
        return null;
    }
}
