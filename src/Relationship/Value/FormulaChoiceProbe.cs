using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Value;

/// <summary>
/// A plain customer and a fitted model to try a formula's parameters on before registering them,
/// so a parameter set that no customer could be valued with is refused at once.
/// </summary>
internal static class FormulaChoiceProbe
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly FoldedLedger Ledger = FoldedLedger.Of("probe",
    [
        new SignedUp("probe-1", Start, "Probe", "probe@example.com", "smb", null, 100),
        new PurchaseMade("probe-2", Start.AddDays(30), "o1", 200, 60, "rollers"),
        new PurchaseMade("probe-3", Start.AddDays(200), "o2", 100, 30, "rollers"),
    ]);

    // The published CDNOW fits (FHL 2005; Fader and Hardie note 025).
    public static readonly PortfolioModel Model = PortfolioModel.Default with
    {
        Purchases = new BgNbdParameters(0.243, 4.414, 0.793, 2.426),
        Spend = new GammaGammaParameters(6.25, 3.74, 15.44),
    };
}
