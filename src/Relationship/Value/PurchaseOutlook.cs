namespace EventCrm.Relationship.Value;

/// <summary>
/// What the BG/NBD and Gamma-Gamma models predict for one customer (Fader, Hardie and Lee 2005;
/// Fader and Hardie 2013): the purchases expected over the next <see cref="HorizonWeeks"/>, the
/// probability that the customer is still alive, and the expected value of one purchase. bgnbd-gg
/// values the first times the last (times the margin share, discounted if asked). <see cref="RepeatPurchases"/>
/// is the x they were computed from: with none (x = 0) BG/NBD has seen no pace to lose, so ProbabilityAlive is 1
/// by construction, and a reader must be told so rather than read "certainly still active".
/// </summary>
public sealed record PurchaseOutlook(double HorizonWeeks, double ExpectedPurchases, double ProbabilityAlive, double ExpectedValuePerPurchase,
    int RepeatPurchases)
{
    private const double DaysPerWeek = 7;

    /// <summary>
    /// The parameters the outlook takes: bgnbd-gg's own inputs when it is the formula (so that the
    /// outlook explains the value), else the models fitted over the base and a year of weeks; null
    /// without both models.
    /// </summary>
    public static BgNbdGgParameters? ParametersFor(FormulaChoice formula, CurrentValueResult current, PortfolioModel model)
    {
        if (formula.Name == BgNbdGgValue.Id.Name)
        {
            var own = BgNbdGgValue.ParametersFrom(current.Inputs);
            return own.Purchases is null || own.Spend is null ? null : own;
        }
        return model is { Purchases: { } purchases, Spend: { } spend }
            ? new BgNbdGgParameters((double)CurrentValue.DefaultHorizonWeeks, null, null, purchases, spend)
            : null;
    }

    public static PurchaseOutlook Of(CustomerLedger ledger, DateTimeOffset asOf, BgNbdGgParameters parameters)
    {
        var (history, meanRepeatValue) = HistoryOf(ledger, asOf);
        var spend = new RepeatSpend(history.RepeatPurchases, (double)(meanRepeatValue ?? 0));
        return new PurchaseOutlook(parameters.HorizonWeeks,
            BgNbd.ConditionalExpectedPurchases(parameters.Purchases!, history, parameters.HorizonWeeks),
            BgNbd.ProbabilityAlive(parameters.Purchases!, history),
            GammaGamma.ExpectedAverageSpend(parameters.Spend!, spend),
            history.RepeatPurchases);
    }

    /// <summary>
    /// The customer's (x, t_x, T) and mean repeat value as of a date, prepared as FHL prepared
    /// CDNOW; no purchase at all is x = t_x = T = 0.
    /// </summary>
    public static (PurchaseHistory History, decimal? MeanRepeatValue) HistoryOf(CustomerLedger ledger, DateTimeOffset asOf)
    {
        var end = DateOnly.FromDateTime(asOf.UtcDateTime);
        // Every purchase by the end: the occasions the ledger carries are the calibration's (a history valued after each touchpoint).
        if (ledger.Occasions() is not { } occasions) return (new PurchaseHistory(0, 0, 0), null);
        if (occasions.Last <= end)
            return (new PurchaseHistory(occasions.Days - 1, (occasions.Last.DayNumber - occasions.First.DayNumber) / DaysPerWeek,
                (end.DayNumber - occasions.First.DayNumber) / DaysPerWeek), occasions.MeanRepeatValue);
        return ledger.HistoryBeforeLastDay(end, DaysPerWeek);
    }
}
