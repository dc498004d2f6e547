using System.Text.Json.Serialization;
using EventCrm.Relationship.Portfolio;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// The data-quality answer: the rates and counts of the whole base, with one page of each list (or of the one list
/// asked for, the others left out). At a million records the lists are megabytes; a page is what someone fixes next.
/// </summary>
/// <param name="Customers">every record checked, prospects included: each rate is over them.</param>
public sealed record DataQualityPages(
    int Customers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DuplicatesPage? Duplicates,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ErrorsPage? Errors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CompletenessPage? Completeness)
{
    /// <summary>Page <paramref name="page"/> of <paramref name="pageSize"/> of each list of <paramref name="only"/> (every list when null).</summary>
    public static DataQualityPages Of(DataQualityReport report, int page, int pageSize, string? only = null)
    {
        bool Listed(string list) => only is null || only == list;
        var (duplicates, errors, completeness) = (report.Duplicates, report.Errors, report.Completeness);
        DuplicatesPage? OfDuplicates()
        {
            var groups = Slice(duplicates.Groups, page, pageSize);
            // The customers of this page's groups: the whole set (the rate's) would be a list of its own to page.
            var ids = groups.SelectMany(g => g.CustomerIds).Distinct(StringComparer.Ordinal).ToList();
            return new(duplicates.Rate, duplicates.CustomerIds.Count, page, pageSize, duplicates.Groups.Count, groups, ids);
        }
        return new DataQualityPages(report.Customers,
            Listed(DataQualityLists.Duplicates) ? OfDuplicates() : null,
            Listed(DataQualityLists.Errors)
                ? new ErrorsPage(errors.Rate, page, pageSize, errors.Customers.Count, Slice(errors.Customers, page, pageSize)) : null,
            Listed(DataQualityLists.Completeness)
                ? new CompletenessPage(completeness.Rate, page, pageSize, completeness.Incomplete.Count, Slice(completeness.Incomplete, page, pageSize)) : null);
    }

    // The lists are made once per valuation: a page is a copy of its own entries, however deep.
    private static List<T> Slice<T>(IReadOnlyList<T> list, int page, int pageSize)
    {
        var from = (long)(page - 1) * pageSize;
        var slice = new List<T>();
        for (var i = from; i < Math.Min(list.Count, from + pageSize); i++) slice.Add(list[(int)i]);
        return slice;
    }
}

/// <param name="Records">the records in at least one group, each counted once: the rate's numerator.</param>
/// <param name="Total">how many groups there are to page through.</param>
/// <param name="CustomerIds">the customers of this page's groups, each once, in the order they first appear in them.</param>
public sealed record DuplicatesPage(decimal? Rate, int Records, int Page, int PageSize, int Total,
    IReadOnlyList<DuplicateGroup> Groups, IReadOnlyList<string> CustomerIds);

/// <param name="Total">how many records hold a data error: the rate's numerator.</param>
public sealed record ErrorsPage(decimal? Rate, int Page, int PageSize, int Total, IReadOnlyList<CustomerDataErrors> Customers);

/// <param name="Rate">the share of complete records.</param>
/// <param name="Total">how many records are incomplete.</param>
public sealed record CompletenessPage(decimal? Rate, int Page, int PageSize, int Total, IReadOnlyList<IncompleteRecord> Incomplete);

/// <summary>The lists a client pages one at a time, named as in the answer (GET /api/data-quality/{list}).</summary>
public static class DataQualityLists
{
    public const string Duplicates = "duplicates";
    public const string Errors = "errors";
    public const string Completeness = "completeness";
    public static readonly IReadOnlyList<string> All = [Duplicates, Errors, Completeness];
}
