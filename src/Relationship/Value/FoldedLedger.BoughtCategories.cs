namespace EventCrm.Relationship.Value;

public sealed partial record FoldedLedger
{
    /// <summary>
    /// The categories the customer has bought, gathered once per fold and carried from one purchase to
    /// the next, so that valuing a customer after each of its touchpoints (its value history, a
    /// replay's) does not go through every purchase before each one: a B2B account's 30,000 purchases made that quadratic.
    /// </summary>
    public override IReadOnlySet<string> CategoriesBought() => _bought.Categories ??= _purchases.Select(p => p.Category).ToHashSet();

    /// <summary>
    /// The categories of the purchases, once known. A function of the purchases alone: it never
    /// makes two ledgers differ. A set once made is never changed: a purchase of a new category
    /// makes a new one, so ledgers shared across threads see a set that is theirs, or none yet.
    /// </summary>
    private sealed class BoughtCategories
    {
        public IReadOnlySet<string>? Categories;

        /// <summary>After one more purchase: the same set when its category was bought before, else a new one with it.</summary>
        public void StepFrom(BoughtCategories before, string category) =>
            Categories = before.Categories is not { } known ? null
                : known.Contains(category) ? known
                : new HashSet<string>(known) { category };

        public override bool Equals(object? other) => other is BoughtCategories;
        public override int GetHashCode() => 0;
    }
}
