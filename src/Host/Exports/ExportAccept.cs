using Microsoft.Net.Http.Headers;

namespace EventCrm.Host.Exports;

/// <summary>
/// Which export format the caller's Accept header prefers (RFC 9110, 12.5.1): each format takes
/// the quality of the most specific range that matches it (text/csv, then text/*, then */*), and
/// q=0 means "not this". NDJSON is the default and also what a caller asking for JSON gets, so
/// CSV is sent only when text/csv is acceptable and strictly preferred: a mere mention of
/// text/csv ("application/json, text/csv;q=0.1", "text/csv;q=0") is no request for it.
/// </summary>
public static class ExportAccept
{
    private static readonly (string Type, string SubType)[] Ndjson = [("application", "x-ndjson"), ("application", "json")];
    private static readonly (string Type, string SubType)[] Csv = [("text", "csv")];

    public static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges) || ranges.Count == 0 || ranges.Any(HasBadQuality)) return false;
        var csv = QualityOf(ranges, Csv);
        return csv > 0 && csv > QualityOf(ranges, Ndjson);
    }

    private static double QualityOf(IList<MediaTypeHeaderValue> ranges, IEnumerable<(string Type, string SubType)> types) =>
        types.Max(type => ranges
            .Select(range => (Specificity: Specificity(range, type), Quality: range.Quality ?? 1))
            .Where(match => match.Specificity is not null)
            .OrderByDescending(match => match.Specificity)
            .Select(match => match.Quality)
            .DefaultIfEmpty(0)
            .First());

    /// <summary>A q that is no number from 0 to 1 (q=-1, q=abc) makes the header malformed, so it asks for nothing: the default.</summary>
    private static bool HasBadQuality(MediaTypeHeaderValue range) =>
        range.Parameters.Any(p => p.Name.Equals("q", StringComparison.OrdinalIgnoreCase)) && range.Quality is not (>= 0 and <= 1);

    private static int? Specificity(MediaTypeHeaderValue range, (string Type, string SubType) type) =>
        range.MatchesAllTypes ? 0
        : !range.Type.Equals(type.Type, StringComparison.OrdinalIgnoreCase) ? null
        : range.MatchesAllSubTypes ? 1
        : range.SubType.Equals(type.SubType, StringComparison.OrdinalIgnoreCase) ? 2
        : null;
}
