using System.Globalization;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Whether a number as written is the decimal it was read as. A decimal keeps 28 to 29 significant
/// digits, down to the 28th place after the point, and both readers (System.Text.Json's and
/// <see cref="decimal.TryParse(string, NumberStyles, IFormatProvider, out decimal)"/>) round what does not fit
/// without a word: <c>1e-29</c> was stored as 0 and <c>999999999999.99999999999999999999</c> as exactly a trillion.
/// </summary>
public static class ExactDecimals
{
    /// <summary>
    /// Whether <paramref name="written"/> (a JSON number or a number cell: <c>[+-]digits[.digits][e[+-]digits]</c>)
    /// is exactly <paramref name="read"/>: compared as digits and a power of ten, trailing zeros aside (<c>1.50</c> is 1.5).
    /// </summary>
    public static bool Keeps(string written, decimal read) =>
        Normalized(written) is { } number && number == Normalized(read.ToString(CultureInfo.InvariantCulture));

    /// <summary>A formula parameter's refusal: what the number would have become, so that a client sees the loss.</summary>
    public static string Refusal(string written, decimal read) =>
        $"cannot be kept exactly: {written} would be stored as {read.ToString(CultureInfo.InvariantCulture)} (a decimal holds 28 significant " +
        "digits and at most 28 decimal places); nothing is rounded for you";

    /// <summary>The number as (sign, significant digits, power of ten of the last one); zero as ("", "", 0); null when it does not read.</summary>
    private static (string Sign, string Digits, long Exponent)? Normalized(string text)
    {
        var span = text.AsSpan().Trim();
        var sign = "";
        if (span.Length > 0 && span[0] is '+' or '-')
        {
            sign = span[0] == '-' ? "-" : "";
            span = span[1..];
        }
        var e = span.IndexOfAny('e', 'E');
        long exponent = 0;
        if (e >= 0)
        {
            // An exponent beyond a long is beyond any decimal too: saturated, it still differs from the decimal's.
            if (!long.TryParse(span[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
                exponent = span[e + 1] == '-' ? long.MinValue / 2 : long.MaxValue / 2;
            span = span[..e];
        }
        var point = span.IndexOf('.');
        var digits = point < 0 ? span.ToString() : string.Concat(span[..point], span[(point + 1)..]);
        if (point >= 0) exponent -= span.Length - point - 1;
        if (digits.Length == 0 || digits.AsSpan().ContainsAnyExceptInRange('0', '9')) return null;
        var significant = digits.TrimStart('0');
        var trimmed = significant.TrimEnd('0');
        if (trimmed.Length == 0) return ("", "", 0);
        return (sign, trimmed, exponent + (significant.Length - trimmed.Length));
    }
}
