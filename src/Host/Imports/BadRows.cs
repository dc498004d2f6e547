namespace EventCrm.Host.Imports;

/// <summary>
/// An import's bad rows: all counted, the first <see cref="MaxListed"/> in line order kept to be
/// reported, and the lines of the refused ones, which the append pass must skip. A file of a
/// hundred million bad lines costs a count, not their messages.
/// </summary>
public sealed class BadRows
{
    public const int MaxListed = 1_000;

    private readonly SortedSet<ImportLineError> _listed = new(Comparer<ImportLineError>.Create((a, b) =>
        a.Line != b.Line ? a.Line.CompareTo(b.Line) : string.CompareOrdinal(a.Reason, b.Reason)));

    public int Total { get; private set; }

    /// <summary>Whether some row is bad in its own fields (a 400), not only refused by the store (a 422).</summary>
    public bool AnyInvalid { get; private set; }

    /// <summary>Rows the store refused (unknown customer, conflicts): they are valid rows, skipped by line.</summary>
    public HashSet<int> RefusedLines { get; } = [];

    public void Add(IEnumerable<ImportLineError> errors)
    {
        foreach (var error in errors)
        {
            Total++;
            AnyInvalid |= error.Kind == LineErrorKind.Invalid;
            if (error.Kind == LineErrorKind.Refused) RefusedLines.Add(error.Line);
            _listed.Add(error);
            // The latest lines go first: those listed are always the first in the file.
            if (_listed.Count > MaxListed) _listed.Remove(_listed.Max!);
        }
    }

    public IReadOnlyList<ImportLineError> Listed() => [.. _listed];
}
