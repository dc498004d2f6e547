using System.Globalization;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Whether a JSON number is the very decimal it was read as. A decimal keeps 28 or 29 significant digits and at most 28
/// decimal places; .NET rounds the rest away without a word, so that a discount rate of 1e-30 was stored as 0 and a rate
/// of 0.123456789012345678901234567891 as another one.
/// </summary>
public static class ExactDecimal
{
    /// <summary>True when <paramref name="json"/> (a JSON number's text) equals <paramref name="read"/> as numbers.</summary>
    public static bool Keeps(string json, decimal read)
    {
        var written = Normalised(json);
        var kept = Normalised(read.ToString(CultureInfo.InvariantCulture));
        // An exponent beyond a long: nothing a decimal holds, unless the digits are all zeros.
        return written is { } w && kept is { } k ? w == k : written is null && kept is null;
    }

    /// <summary>
    /// The message for a number that is not kept exactly: what it would have become, so that a client sees the loss.
    /// </summary>
    public static string Refusal(string json, decimal read) =>
        $"cannot be kept exactly: {json} would be stored as {read.ToString(CultureInfo.InvariantCulture)} (a decimal holds 28 significant " +
        "digits and at most 28 decimal places); nothing is rounded for you";

    /// <summary>Sign, significant digits without leading or trailing zeros, and the power of ten of the last one; zero as ("", 0).</summary>
    private static (bool Negative, string Digits, long Exponent)? Normalised(string number)
    {
        var negative = number.StartsWith('-');
        var text = negative || number.StartsWith('+') ? number[1..] : number;
        long exponent = 0;
        var e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!long.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
                return text[..e].Any(c => c is >= '1' and <= '9') ? null : (false, "", 0);
            text = text[..e];
        }
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= text.Length - dot - 1;
            text = text.Remove(dot, 1);
        }
        var digits = text.TrimStart('0');
        if (digits.Length == 0) return (false, "", 0);
        var significant = digits.TrimEnd('0');
        return (negative, significant, exponent + (digits.Length - significant.Length));
    }
}
