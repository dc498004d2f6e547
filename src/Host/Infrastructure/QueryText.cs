namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Text from a query string that reaches the database as a parameter. PostgreSQL's text cannot
/// hold U+0000: sent as it is, %00 failed there (22021) and answered 500; it is refused first.
/// </summary>
public static class QueryText
{
    public const string NulRule = "must not hold the character U+0000 (NUL), which the database's text cannot hold";

    public static bool HoldsNul(string? text) => text?.Contains('\0') == true;
}
