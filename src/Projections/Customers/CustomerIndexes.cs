using EventCrm.Relationship.Lifecycle;
using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Projections.Customers;

/// <summary>
/// The profile table's indexes for the customer search and the retention desk's work list
/// (docs/scaling.md, "Searching a million customers"). Each matches, expression for expression,
/// the SQL Marten writes for those queries; <c>when_searching_a_million_customers</c> fails if one drifts.
/// </summary>
public static class CustomerIndexes
{
    /// <summary>Trigrams: what lets <c>search_text LIKE '%term%'</c> use an index (terms of 3 characters or more).</summary>
    public const string Trigrams = "pg_trgm";

    public static StoreOptions IndexCustomerProfiles(this StoreOptions opts)
    {
        // Trusted since PostgreSQL 13: the database's owner may create it, no superuser needed.
        opts.Storage.ExtendedSchemaObjects.Add(new TrigramExtension());
        var profiles = opts.Schema.For<CustomerProfile>();
        // SearchText.Contains(term) is "d.search_text LIKE $1": a trigram GIN index answers it; a
        // b-tree on the column (Marten's default for a duplicated field) never could.
        profiles.Duplicate(p => p.SearchText, configure: index =>
        {
            index.Method = IndexMethod.gin;
            index.Mask = "? gin_trgm_ops";
        });
        // The search's order, "d.data ->> 'name', d.id": a page is read in index order, no sort of every match.
        profiles.Index([p => p.Name!, p => p.Id]);
        // "d.data ->> 'state' = $1" for the desk's work list: only the few asking to cancel are indexed,
        // so the index stays small and the profile's other updates never touch it.
        profiles.Index(p => p.State, index =>
            index.Predicate = $"(data ->> 'state') = '{CustomerStates.CancellationRequested}'");
        return opts;
    }
}
