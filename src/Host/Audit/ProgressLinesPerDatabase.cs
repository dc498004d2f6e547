using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Audit;

/// <summary>
/// <c>audit-verify</c>'s progress to a pipe or a file: each database's own lines, "Verifying streams (db0): 0%", a line
/// at each tenth passed, and its "100%" before the next database starts. Spectre's bars there print only at their
/// refreshes, a second apart: a file showed one database's "0%", or the other's, or nothing at all.
/// </summary>
public sealed class ProgressLinesPerDatabase(TextWriter to) : ILogAuditProgress
{
    private ProgressLines? _current;
    private long _verified;

    public void Starting(string database, int streams)
    {
        _current?.Done();
        (_current, _verified) = (new ProgressLines($"Verifying streams ({database})", streams, to, stepPercent: 10), 0);
    }

    public void Verified(int streams) => _current?.Report(_verified += streams);

    /// <summary>The last database's "100%", once every stream is verified.</summary>
    public void Done() => _current?.Done();
}
