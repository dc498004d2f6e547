using System.Globalization;

namespace EventCrm.Relationship.Value;

public sealed record RegisteredFormula(FormulaChoice Formula, DateTimeOffset RegisteredAt);

public sealed record FormulaInForce(FormulaChoice Formula, DateTimeOffset? Since);

/// <summary>
/// Every registered version of every formula, and which one was in force when. Versions are
/// immutable and numbered 1, 2, ... per formula name; version 0 is the built-in default.
/// </summary>
public sealed record FormulaRegistry(IReadOnlyList<RegisteredFormula> Versions, IReadOnlyList<FormulaInForce> Choices)
{
    public static readonly FormulaRegistry Empty = new([], []);

    public static FormulaRegistry From(IEnumerable<(object Event, DateTimeOffset RecordedAt)> events) =>
        events.Aggregate(Empty, (registry, e) => e.Event switch
        {
            FormulaVersionRegistered r => registry with
            {
                Versions = [.. registry.Versions, new RegisteredFormula(new FormulaChoice(r.Name, r.Version, r.Parameters), e.RecordedAt)],
            },
            FormulaPutInForce f => registry with
            {
                Choices = [.. registry.Choices, new FormulaInForce(registry.Find(f.Name, f.Version)!, e.RecordedAt)],
            },
            _ => registry,
        });

    public int NextVersion(string name) => Versions.Where(v => v.Formula.Name == name).Select(v => v.Formula.Version).DefaultIfEmpty(0).Max() + 1;

    /// <summary>A registered version, or the built-in default for version 0; null when there is no such version.</summary>
    public FormulaChoice? Find(string name, int version) =>
        !FormulaChoice.Names.Contains(name) ? null
        : version == 0 ? FormulaChoice.BuiltIn(name)
        : Versions.FirstOrDefault(v => v.Formula.Name == name && v.Formula.Version == version)?.Formula;

    /// <summary>The latest version of a formula (the built-in one when none was registered).</summary>
    public FormulaChoice? Latest(string name) =>
        !FormulaChoice.Names.Contains(name) ? null
        : Versions.LastOrDefault(v => v.Formula.Name == name)?.Formula ?? FormulaChoice.BuiltIn(name);

    /// <summary>
    /// The latest version of a formula when it holds exactly these parameters (values compared as
    /// numbers: 0.8 and 0.80 are one): registering them again would only add a copy. Before any
    /// registration the latest is the built-in version 0, whose parameters are none: <c>{}</c> is it.
    /// </summary>
    public FormulaChoice? LatestRegisteredWith(string name, IReadOnlyDictionary<string, decimal> parameters) =>
        Latest(name) is { } latest
        && latest.Parameters.Count == parameters.Count
        && parameters.All(p => latest.Parameters.TryGetValue(p.Key, out var value) && value == p.Value)
            ? latest
            : null;

    /// <summary>The formula in force at a moment of knowledge time (now when null).</summary>
    public FormulaInForce InForceAt(DateTimeOffset? knownAt) =>
        Choices.LastOrDefault(c => knownAt is null || c.Since <= knownAt) ?? new FormulaInForce(FormulaChoice.Default, null);

    /// <summary>
    /// The choice in force now when it is this very version (registered versions never change, so
    /// name and version say it): choosing it again would change nothing. Null when another is in force.
    /// </summary>
    public FormulaInForce? AlreadyInForce(FormulaChoice formula) =>
        InForceAt(null) is var inForce && inForce.Formula.Name == formula.Name && inForce.Formula.Version == formula.Version ? inForce : null;

    /// <summary>What is wrong with a reference's form ("name@version", or a bare name), whether or not it is registered; null when nothing is.</summary>
    public static string? Malformed(string reference)
    {
        var at = reference.LastIndexOf('@');
        if ((at < 0 ? reference : reference[..at]).Trim().Length == 0) return "must name a formula, as \"name@version\" or a bare name for its latest version";
        // Taken for a formula's name it was "not registered" (404), which sent an auditor looking for a formula that never exists.
        if (string.Equals(reference, OfTheTime, StringComparison.OrdinalIgnoreCase))
            return $"'{OfTheTime}' is not a formula: only value-history takes it (each point under the formula in force when it was recorded); " +
                   "one value under the formula of a time is read with knownAt and no formula (the formula in force at knownAt)";
        return at < 0 || VersionOf(reference[(at + 1)..]) is not null
            ? null
            // The whole value sent, not the part after its @: "against '' is not a version" named nothing the caller wrote.
            : $"'{reference}' is not \"name@version\": the version after the @ must be a whole number (0 is the built-in default)";
    }

    /// <summary>The value-history's choice of each point's formula in force when it was recorded: not a formula.</summary>
    public const string OfTheTime = "of-the-time";

    /// <summary>Reads "name@version", or a bare name for its latest version.</summary>
    public FormulaChoice? Resolve(string reference)
    {
        var at = reference.LastIndexOf('@');
        if (at < 0) return Latest(reference);
        return VersionOf(reference[(at + 1)..]) is { } version ? Find(reference[..at], version) : null;
    }

    /// <summary>Digits only: "+1", " 1" and "1 " are not versions (they read as version 1, and named it in no answer as sent).</summary>
    private static int? VersionOf(string text) =>
        text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
