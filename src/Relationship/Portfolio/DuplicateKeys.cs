using System.Globalization;
using System.Text;

namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Normalised names and emails under which two records of the same person meet, whatever the
/// typing habits of whoever entered them.
/// </summary>
public static class DuplicateKeys
{
    // Gmail ignores dots in the local part and serves googlemail.com as the same mailbox.
    private static readonly HashSet<string> GmailDomains = ["gmail.com", "googlemail.com"];

    /// <summary>Trimmed, lower-case, without accents, inner whitespace collapsed; null when blank or erased (nothing left to compare).</summary>
    public static string? ForName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name == Privacy.PersonalData.Erased) return null;
        var words = WithoutDiacritics(name.ToLowerInvariant())
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words);
    }

    /// <summary>
    /// As for a name, then a "+tag" is dropped from the local part (mail for jo+promo@ reaches
    /// jo@), and for Gmail the dots too, with googlemail.com read as gmail.com.
    /// </summary>
    public static string? ForEmail(string? email)
    {
        var normalised = ForName(email);
        if (normalised is null) return null;

        var at = normalised.LastIndexOf('@');
        if (at < 0) return normalised; // not an address: still comparable as typed

        var local = normalised[..at];
        var domain = normalised[(at + 1)..];
        var plus = local.IndexOf('+');
        if (plus >= 0) local = local[..plus];
        if (GmailDomains.Contains(domain))
        {
            local = local.Replace(".", "");
            domain = "gmail.com";
        }
        return $"{local}@{domain}";
    }

    // NFD splits "é" into "e" + a combining accent; dropping the nonspacing marks keeps the letter.
    private static string WithoutDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                kept.Append(c);
        return kept.ToString().Normalize(NormalizationForm.FormC);
    }
}
