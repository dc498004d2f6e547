namespace EventCrm.Projections.Spend;

/// <summary>
/// What one segment spends in one category: a cell of the spend-by-category table. Purchases
/// as made (gross): a refund names an order, not a category, so refunds stay in the ledger.
/// Customers who bought before signing up sit under no segment until their signup is recorded.
/// </summary>
public sealed record SpendCell
{
    /// <summary>"segment|category", each part escaped so that a '|' inside a name cannot make two cells collide.</summary>
    public required string Id { get; init; }
    public string? Segment { get; init; }
    public required string Category { get; init; }
    public decimal Revenue { get; init; }
    public decimal Margin { get; init; }
    public int Purchases { get; init; }
    /// <summary>Distinct customers with at least one purchase in this category and segment.</summary>
    public int Buyers { get; init; }

    public static string KeyOf(string? segment, string category) => $"{Escape(segment ?? "")}|{Escape(category)}";

    public static SpendCell Empty(string? segment, string category) =>
        new() { Id = KeyOf(segment, category), Segment = segment, Category = category };

    public SpendCell Plus(CellChange change) => this with
    {
        Revenue = Revenue + change.Revenue,
        Margin = Margin + change.Margin,
        Purchases = Purchases + change.Purchases,
        Buyers = Buyers + change.Buyers,
    };

    public bool IsEmpty => Purchases == 0 && Buyers == 0;

    private static string Escape(string part) => part.Replace("\\", "\\\\").Replace("|", "\\|");
}

/// <summary>What a page of events adds to (or, when a signup moves earlier purchases, takes from) one cell.</summary>
public sealed record CellChange(string? Segment, string Category, decimal Revenue, decimal Margin, int Purchases, int Buyers)
{
    public CellChange Plus(CellChange other) => this with
    {
        Revenue = Revenue + other.Revenue,
        Margin = Margin + other.Margin,
        Purchases = Purchases + other.Purchases,
        Buyers = Buyers + other.Buyers,
    };
}
