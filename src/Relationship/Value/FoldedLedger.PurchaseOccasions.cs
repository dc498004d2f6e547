namespace EventCrm.Relationship.Value;

/// <summary>
/// A customer's purchase occasions as BG/NBD counts them (its purchases by UTC day, docs/value.md):
/// the first and last day, how many days, and the sums bought on the repeat days before the last
/// day and on the last day, each added up in the order <see cref="CalibrationSummaries"/> adds them.
/// </summary>
public sealed record PurchaseOccasions(DateOnly First, DateOnly Last, int Days, decimal EarlierRepeats, decimal LastDay)
{
    /// <summary>The mean value of a repeat occasion (zbar), summed as an average of the repeat days' sums is; null without repeats.</summary>
    public decimal? MeanRepeatValue => Days > 1 ? (EarlierRepeats + LastDay) / (Days - 1) : null;

    public static PurchaseOccasions? Of(IEnumerable<PurchaseLine> purchases)
    {
        var days = new SortedDictionary<DateOnly, decimal>();
        foreach (var p in purchases) days[DayOf(p.At)] = days.GetValueOrDefault(DayOf(p.At)) + p.Amount;
        if (days.Count == 0) return null;
        var earlierRepeats = 0m;
        foreach (var (_, sum) in days.Skip(1).SkipLast(1)) earlierRepeats += sum;
        return new PurchaseOccasions(days.Keys.First(), days.Keys.Last(), days.Count, earlierRepeats, days.Values.Last());
    }

    public static PurchaseOccasions FirstOn(DateTimeOffset at, decimal amount) => new(DayOf(at), DayOf(at), 1, 0m, 0m + amount);

    /// <summary>After one more purchase on its day or a later one; null for an earlier day (gathered again from all the purchases when asked).</summary>
    public PurchaseOccasions? After(DateTimeOffset at, decimal amount)
    {
        var day = DayOf(at);
        if (day == Last) return this with { LastDay = LastDay + amount };
        if (day < Last) return null;
        return this with { Last = day, Days = Days + 1, EarlierRepeats = Days > 1 ? EarlierRepeats + LastDay : EarlierRepeats, LastDay = 0m + amount };
    }

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}

public sealed partial record FoldedLedger
{
    /// <summary>
    /// The purchase occasions, gathered once per fold and carried from one purchase to the next (an
    /// in-order purchase steps them on; a back-dated one has them gathered again when asked), so that
    /// valuing a customer under bgnbd-gg after each of its touchpoints does not group every purchase
    /// by day again at each one. Null without purchases.
    /// </summary>
    public override PurchaseOccasions? Occasions() => (_occasions.Gathered ??= new(PurchaseOccasions.Of(_purchases))).Value;

    /// <summary>The occasions once gathered (null inside: no purchase); a function of the purchases alone, so it never makes two ledgers differ.</summary>
    private sealed class KnownOccasions
    {
        // One reference, written whole: ledgers shared across threads see either nothing yet or the right value.
        public Gathered? Gathered;

        public void StepFrom(KnownOccasions before, DateTimeOffset at, decimal amount) =>
            Gathered = before.Gathered is not { } known ? null
                : known.Value is not { } occasions ? new(PurchaseOccasions.FirstOn(at, amount))
                : occasions.After(at, amount) is { } after ? new(after)
                : null;

        public override bool Equals(object? other) => other is KnownOccasions;
        public override int GetHashCode() => 0;
    }

    private sealed record Gathered(PurchaseOccasions? Value);
}
