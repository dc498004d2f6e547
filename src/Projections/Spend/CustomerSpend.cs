using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Projections.Spend;

public sealed record CategorySpend(string Category, decimal Revenue, decimal Margin, int Purchases);

/// <summary>
/// The per-customer state the spend-by-category projection needs and no event carries: the
/// customer's segment (from its signed-up event) and what it has bought in each category (to
/// count distinct buyers, and to move earlier purchases when the signup comes later).
/// </summary>
public sealed record CustomerSpend
{
    public required string Id { get; init; }
    public string? Segment { get; init; }
    public IReadOnlyList<CategorySpend> Categories { get; init; } = [];

    public static CustomerSpend Empty(string customerId) => new() { Id = customerId };

    public bool HasBought(string category) => Categories.Any(c => c.Category == category);

    public CustomerSpend With(PurchaseMade purchase)
    {
        var before = Categories.FirstOrDefault(c => c.Category == purchase.Category) ?? new CategorySpend(purchase.Category, 0, 0, 0);
        var after = before with
        {
            Revenue = before.Revenue + purchase.Amount, Margin = before.Margin + purchase.Margin, Purchases = before.Purchases + 1,
        };
        return this with { Categories = [.. Categories.Where(c => c.Category != purchase.Category), after] };
    }
}
