using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Projections.Privacy;
using Marten;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// Every customer's name, email and channel as its profile says now, read for a stored valuation (which holds none), with each
/// database's erasure horizon taken before the read: the names carry every erasure committed before it ("[erased]"),
/// and <see cref="PortfolioErasures"/> redacts the ones from it on, as for a valuation made here.
/// </summary>
public sealed class ProfileIdentities(CustomerDatabases databases, IDocumentStore store)
{
    public async Task<(Dictionary<string, (string? Name, string? Email, string? Channel)> Identities, IReadOnlyList<long> ErasureHorizons)> ReadAsync(CancellationToken ct)
    {
        var table = store.Options.FindOrResolveDocumentType(typeof(CustomerProfile)).TableName.QualifiedName;
        var all = await databases.AllAsync();
        var parts = await Task.WhenAll(all.Select(async database =>
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            var horizon = await ErasureLog.HorizonAsync(connection, ct);
            await using var command = connection.CreateCommand();
            // Three fields of each profile, not the documents: a million of them in seconds.
            command.CommandText = $"select id, data ->> 'name', data ->> 'email', data ->> 'channel' from {table}";
            var found = new List<(string Id, string? Name, string? Email, string? Channel)>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                found.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            return (Found: found, Horizon: horizon);
        }));
        var identities = new Dictionary<string, (string? Name, string? Email, string? Channel)>(parts.Sum(p => p.Found.Count), StringComparer.Ordinal);
        foreach (var (id, name, email, channel) in parts.SelectMany(p => p.Found)) identities[id] = (name, email, channel);
        return (identities, parts.Select(p => p.Horizon).ToList());
    }
}
