namespace EventCrm.Relationship.Value;

// A customer's repeat buying as BG/NBD sees it (FHL 2005 call these x, t_x and T), in weeks
// counted from the customer's first purchase: RepeatPurchases = x, the purchase occasions after
// the first; WeeksToLastPurchase = t_x, when the last of them happened (0 without repeats);
// WeeksObserved = T, the customer's age at the end of the calibration period.
public readonly record struct PurchaseHistory
{
    public int RepeatPurchases { get; }
    public double WeeksToLastPurchase { get; }
    public double WeeksObserved { get; }

    public PurchaseHistory(int repeatPurchases, double weeksToLastPurchase, double weeksObserved)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(repeatPurchases);
        if (!(weeksObserved >= 0) || double.IsInfinity(weeksObserved))
            throw new ArgumentOutOfRangeException(nameof(weeksObserved), weeksObserved, "must be a finite number of weeks, 0 or more");
        if (!(weeksToLastPurchase >= 0 && weeksToLastPurchase <= weeksObserved))
            throw new ArgumentOutOfRangeException(nameof(weeksToLastPurchase), weeksToLastPurchase, "must lie between 0 and weeksObserved");
        if (repeatPurchases == 0 && weeksToLastPurchase != 0)
            throw new ArgumentOutOfRangeException(nameof(weeksToLastPurchase), weeksToLastPurchase, "must be 0 without repeat purchases");

        RepeatPurchases = repeatPurchases;
        WeeksToLastPurchase = weeksToLastPurchase;
        WeeksObserved = weeksObserved;
    }
}

// What Gamma-Gamma sees of a repeat buyer: how many repeat purchases and their mean value (zbar).
public readonly record struct RepeatSpend
{
    public int RepeatPurchases { get; }
    public double MeanRepeatValue { get; }

    public RepeatSpend(int repeatPurchases, double meanRepeatValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(repeatPurchases);
        if (!(meanRepeatValue >= 0) || double.IsInfinity(meanRepeatValue))
            throw new ArgumentOutOfRangeException(nameof(meanRepeatValue), meanRepeatValue, "must be a finite amount, 0 or more");

        RepeatPurchases = repeatPurchases;
        MeanRepeatValue = meanRepeatValue;
    }
}
