using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;

namespace EventCrm.Host.Audit;

/// <param name="Database">"default" with one database, else its place in <c>Tenancy:Databases</c>.</param>
/// <param name="Mismatches">Every mismatch of the stream, in stream order (the first 100), each at its own event:
/// <paramref name="FirstMismatch"/> first.</param>
/// <param name="MismatchCount">All of them, past those listed too.</param>
public sealed record AlteredStream(string CustomerId, string Database, AuditMismatch FirstMismatch, IReadOnlyList<AuditMismatch> Mismatches, int MismatchCount);

/// <param name="Erased">How many streams record an erasure of personal data (their erased fields verified against it).</param>
public sealed record LogAuditReport(bool Valid, long Streams, long Checked, long Unsealed, IReadOnlyList<AlteredStream> Altered, long Erased);

/// <summary>Every stream of every database against its seals: what <c>audit-verify</c> and <c>GET /api/audit/verify</c> report.</summary>
public sealed class LogAudit(StreamAudit audit, CustomerDatabases databases)
{
    private const int StreamsPerRead = 500;

    /// <param name="progress">Told each database's stream count before its first read, then each chunk of streams verified.</param>
    public async Task<LogAuditReport> VerifyAsync(ILogAuditProgress? progress, CancellationToken ct)
    {
        var (streams, checkedEvents, unsealed, erased, altered) = (0L, 0L, 0L, 0L, new List<AlteredStream>());
        foreach (var name in databases.Names)
        {
            await using var connection = await StreamAudit.OpenAsync(await databases.DatabaseIn(name), ct);
            var ids = await audit.StreamIdsAsync(connection, ct);
            streams += ids.Count;
            progress?.Starting(name, ids.Count);
            foreach (var chunk in ids.Chunk(StreamsPerRead))
            {
                foreach (var (stream, report) in await audit.VerifyAsync(connection, chunk, ct))
                {
                    (checkedEvents, unsealed) = (checkedEvents + report.Checked, unsealed + report.Unsealed);
                    if (report.Erasures.Count > 0) erased++;
                    if (report.FirstMismatch is { } mismatch) altered.Add(new AlteredStream(stream, name, mismatch, report.Mismatches, report.MismatchCount));
                }
                progress?.Verified(chunk.Length);
            }
        }
        return new LogAuditReport(altered.Count == 0, streams, checkedEvents, unsealed, altered, erased);
    }
}

public interface ILogAuditProgress
{
    void Starting(string database, int streams);
    void Verified(int streams);
}
