namespace EventCrm.Relationship.Portfolio;

internal static class Fraction
{
    // Null, not NaN or 0, when there is nothing to measure: "no leads" is not "0% conversion".
    public static decimal? Of(int part, int whole) => whole == 0 ? null : (decimal)part / whole;
}
