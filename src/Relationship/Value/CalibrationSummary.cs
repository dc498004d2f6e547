namespace EventCrm.Relationship.Value;

// One purchase as it comes from the event log or an import: who, which business day, how much.
public sealed record CustomerPurchase<TCustomer>(TCustomer CustomerId, DateOnly Date, decimal Amount);

// A customer's calibration-period summary, the input of BG/NBD and Gamma-Gamma.
// MeanRepeatValue (zbar) is null for a customer without a repeat purchase.
public sealed record CalibrationSummary<TCustomer>(TCustomer CustomerId, PurchaseHistory History, decimal? MeanRepeatValue)
{
    public RepeatSpend? Spend =>
        MeanRepeatValue is { } mean ? new RepeatSpend(History.RepeatPurchases, (double)mean) : null;
}

public static class CalibrationSummaries
{
    private const double DaysPerWeek = 7;

    // Turns purchase rows into (x, t_x, T, zbar) the way FHL 2005 prepared CDNOW:
    // - all purchases of a customer on one day are one purchase occasion, their amounts summed
    //   (the models count occasions, not order lines);
    // - the first occasion starts the customer's clock and is not a repeat: x counts the others,
    //   zbar is their mean value (the first purchase is often atypical, e.g. a sign-up offer);
    // - t_x and T are in weeks (days / 7) from the first occasion, T up to calibrationEnd, which
    //   is inclusive: purchases on that day count, later ones are left for a holdout period;
    // - customers whose first purchase is after calibrationEnd are not in the calibration base.
    // Customers come out in the order of their first row in the input.
    public static IReadOnlyList<CalibrationSummary<TCustomer>> From<TCustomer>(
        IEnumerable<CustomerPurchase<TCustomer>> purchases, DateOnly calibrationEnd)
        where TCustomer : notnull
    {
        var occasionsByCustomer = new Dictionary<TCustomer, SortedDictionary<DateOnly, decimal>>();
        var customerOrder = new List<TCustomer>();
        foreach (var purchase in purchases)
        {
            if (!occasionsByCustomer.TryGetValue(purchase.CustomerId, out var occasions))
            {
                occasionsByCustomer[purchase.CustomerId] = occasions = new SortedDictionary<DateOnly, decimal>();
                customerOrder.Add(purchase.CustomerId);
            }
            if (purchase.Date > calibrationEnd) continue;
            occasions[purchase.Date] = occasions.GetValueOrDefault(purchase.Date) + purchase.Amount;
        }

        return customerOrder
            .Where(customer => occasionsByCustomer[customer].Count > 0)
            .Select(customer => Summarise(customer, occasionsByCustomer[customer], calibrationEnd))
            .ToList();
    }

    private static CalibrationSummary<TCustomer> Summarise<TCustomer>(
        TCustomer customer, SortedDictionary<DateOnly, decimal> occasions, DateOnly calibrationEnd)
    {
        var first = occasions.Keys.First();
        var repeats = occasions.Skip(1).ToList();
        var last = repeats.Count > 0 ? repeats[^1].Key : first;

        var history = new PurchaseHistory(
            repeats.Count,
            (last.DayNumber - first.DayNumber) / DaysPerWeek,
            (calibrationEnd.DayNumber - first.DayNumber) / DaysPerWeek);
        decimal? meanRepeatValue = repeats.Count > 0 ? repeats.Average(r => r.Value) : null;
        return new CalibrationSummary<TCustomer>(customer, history, meanRepeatValue);
    }
}
