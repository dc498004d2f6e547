using System.Runtime.InteropServices;

namespace EventCrm.Relationship.Portfolio;

/// <summary>Duplicate, error and completeness rates of the customer records (seed 004).</summary>
/// <remarks>
/// A record is a duplicate when it shares a normalised email OR a normalised name with another
/// record (see <see cref="DuplicateKeys"/>). Names alone do catch namesakes; that is the price of
/// catching the same person entered twice with two addresses, and the groups let a person decide.
/// </remarks>
public static class DataQuality
{
    public static DataQualityReport Of(IEnumerable<PortfolioCustomer> customers)
    {
        var list = customers.ToList();
        return new DataQualityReport(list.Count, Duplicates(list), Errors(list), Completeness(list));
    }

    private static DuplicateRecords Duplicates(IReadOnlyList<PortfolioCustomer> customers)
    {
        var groups = GroupsBy(customers, DuplicateKinds.Email, c => DuplicateKeys.ForEmail(c.Email))
            .Concat(GroupsBy(customers, DuplicateKinds.Name, c => DuplicateKeys.ForName(c.Name)))
            .ToList();
        var duplicated = groups.SelectMany(g => g.CustomerIds).ToHashSet();
        var ids = customers.Select(c => c.CustomerId).Where(duplicated.Contains).Distinct().ToList();
        return new DuplicateRecords(Fraction.Of(ids.Count, customers.Count), groups, ids);
    }

    // Most keys belong to one record: they are counted first, and only the keys of two records or more are grouped (a
    // million records made a million LINQ groupings, 2.4-2.7 s of CPU and 500 MB each pass, to keep some 50,000).
    private static IEnumerable<DuplicateGroup> GroupsBy(
        IReadOnlyList<PortfolioCustomer> customers, string kind, Func<PortfolioCustomer, string?> key)
    {
        var keys = new string?[customers.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < customers.Count; i++)
            if ((keys[i] = key(customers[i])) is { } k)
                CollectionsMarshal.GetValueRefOrAddDefault(seen, k, out _)++;

        var shared = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < customers.Count; i++)
            if (keys[i] is { } k && seen[k] > 1)
            {
                ref var ids = ref CollectionsMarshal.GetValueRefOrAddDefault(shared, k, out var exists);
                if (!exists) ids = [];
                ids!.Add(customers[i].CustomerId);
            }
        return shared
            .Select(g => new DuplicateGroup(kind, g.Key, g.Value.Distinct().ToList()))
            .Where(g => g.CustomerIds.Count > 1)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
    }

    private static ErroneousRecords Errors(IReadOnlyList<PortfolioCustomer> customers)
    {
        var erroneous = customers
            .Where(c => c.DataErrors.Count > 0)
            .Select(c => new CustomerDataErrors(c.CustomerId, c.DataErrors))
            .ToList();
        return new ErroneousRecords(Fraction.Of(erroneous.Count, customers.Count), erroneous);
    }

    private static RecordCompleteness Completeness(IReadOnlyList<PortfolioCustomer> customers)
    {
        var incomplete = customers
            .Select(c => new IncompleteRecord(c.CustomerId, MissingFields(c)))
            .Where(r => r.MissingFields.Count > 0)
            .ToList();
        return new RecordCompleteness(Fraction.Of(customers.Count - incomplete.Count, customers.Count), incomplete);
    }

    // A record is judged on the fields of its stage: a prospect (a lead who never signed up nor bought) has a name and an
    // email and can have nothing more, since a segment and a channel come with the signup; asking for them listed every
    // prospect as a record to fix that nobody could fix. Once a customer (signed up or bought), all four are due.
    private static IReadOnlyList<string> MissingFields(PortfolioCustomer c) =>
        new (string Field, string? Value)[]
            {
                (RequiredFields.Name, c.Name), (RequiredFields.Email, c.Email),
                (RequiredFields.Segment, c.Segment), (RequiredFields.Channel, c.Channel),
            }
            .Where(f => RequiredFields.Of(c).Contains(f.Field) && string.IsNullOrWhiteSpace(f.Value))
            .Select(f => f.Field)
            .ToList();
}
