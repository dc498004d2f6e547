namespace EventCrm.Relationship.Portfolio;

/// <summary>The shares and rates of the portfolio reports, as they are answered.</summary>
internal static class Fraction
{
    /// <summary>
    /// A hundredth of a percent: the exact quotient of two counts or sums runs to 28 digits
    /// (1/3 = 0.3333333333333333333333333333), which no reader can check nor chart needs.
    /// </summary>
    public const int Decimals = 4;

    // Null, not NaN or 0, when there is nothing to measure: "no leads" is not "0% conversion".
    public static decimal? Of(int part, int whole) => whole == 0 ? null : Rounded((decimal)part / whole);

    /// <summary>Half to even, as every rounding of the value figures (1/32 = 0.03125 gives 0.0312).</summary>
    public static decimal Rounded(decimal share) => Math.Round(share, Decimals, MidpointRounding.ToEven);
}
