using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Host.Access;
using EventCrm.Projections.Spend;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Portfolio;

public sealed record SpendCellView(string? Segment, string Category, decimal Revenue, decimal Margin, int Purchases, int Buyers);

public sealed record SpendByCategoryAnswer(IReadOnlyList<SpendCellView> Cells);

public static class GetSpendByCategoryEndpoint
{
    /// <summary>
    /// Revenue, margin, purchases and distinct buyers per segment and category, from the async
    /// SpendByCategory projection (so it may trail the last appends by the daemon's lag).
    /// Segment null: customers who bought but have not signed up.
    /// </summary>
    [WolverineGet("/api/portfolio/spend-by-category"), Authorize(Policy = Policies.Read)]
    [Answers(200, "Purchases per segment and product category.")]
    public static async Task<SpendByCategoryAnswer> Get(CustomerDatabases databases, CancellationToken ct)
    {
        // A customer lives in one database, so buyers too add up across databases.
        var cells = (await databases.InEachAsync(async session => await session.Query<SpendCell>().ToListAsync(ct)))
            .SelectMany(found => found)
            .GroupBy(c => (c.Segment, c.Category))
            .Select(same => new SpendCellView(same.Key.Segment, same.Key.Category, same.Sum(c => c.Revenue), same.Sum(c => c.Margin),
                same.Sum(c => c.Purchases), same.Sum(c => c.Buyers)));
        return new(cells
            .OrderBy(c => c.Segment is null).ThenBy(c => c.Segment, StringComparer.Ordinal).ThenBy(c => c.Category, StringComparer.Ordinal)
            .ToList());
    }
}
