using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EventCrm.Relationship.Value;

// A value result must say which formula produced it; "name@version" is the stable text form
// stored with results, so a formula's arithmetic never changes under an existing version:
// a changed formula gets a new version and old results stay reproducible.
public sealed record FormulaId(string Name, int Version)
{
    public override string ToString() => $"{Name}@{Version.ToString(CultureInfo.InvariantCulture)}";

    public static FormulaId Parse(string text) =>
        TryParse(text, out var id)
            ? id
            : throw new FormatException($"'{text}' is not a formula id; expected name@version, e.g. simple-clv@1");

    public static bool TryParse(string? text, [NotNullWhen(true)] out FormulaId? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(text)) return false;

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1) return false;

        var name = text[..at];
        if (!int.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            return false;

        id = new FormulaId(name, version);
        return true;
    }
}
