using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;
using EventCrm.Projections.Customers;
using EventCrm.Projections.Privacy;
using Marten;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// Keeps a valuation from serving the name and email of a customer erased since it was begun, on whichever node the
/// erasure was made: every portfolio answer first asks each database which customers were erased by a transaction
/// from the valuation's horizon on (<see cref="ErasureLog"/>: one index range, a handful of rows), and the ones not
/// redacted yet get their names, emails and channels as their profiles now say ("[erased]"). Without it, a node other than the
/// one that erased listed the erased name and email until its next valuation (some 5 minutes at a million customers).
/// </summary>
public sealed class PortfolioErasures(CustomerDatabases databases, IDocumentStore store)
{
    /// <summary>
    /// <paramref name="snapshot"/> itself when no customer erased since its horizons is left unredacted (the usual case:
    /// one small query per database); otherwise a copy with their names and emails replaced.
    /// </summary>
    public async Task<PortfolioSnapshot> RedactAsync(PortfolioSnapshot snapshot, CancellationToken ct)
    {
        var erased = await ErasedSinceAsync(snapshot.ErasureHorizons, ct);
        var fresh = erased.Where(id => !snapshot.Redacted.Contains(id)).ToList();
        if (fresh.Count == 0) return snapshot;
        var identities = new Dictionary<string, (string? Name, string? Email, string? Channel)>(StringComparer.Ordinal);
        foreach (var id in fresh)
        {
            await using var session = databases.QueryFor(id);
            var profile = await session.LoadAsync<CustomerProfile>(id, ct);
            identities[id] = (profile?.Name, profile?.Email, profile?.Channel);
        }
        return snapshot.WithIdentities(identities);
    }

    private async Task<IReadOnlyList<string>> ErasedSinceAsync(IReadOnlyList<long> horizons, CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(store);
        var all = await databases.AllAsync();
        // A snapshot made without horizons (none in these databases) is asked from the first transaction on.
        var found = await Task.WhenAll(all.Select(async (database, i) =>
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            return await ErasureLog.ErasedSinceAsync(connection, schema, i < horizons.Count ? horizons[i] : 0, ct);
        }));
        return found.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).ToList();
    }
}
