using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;

namespace EventCrm.Host.Audit;

/// <param name="Database">"default" with one database, else its place in <c>Tenancy:Databases</c>.</param>
/// <param name="Mismatches">Every mismatch of the stream, in stream order (the first 100), each at its own event:
/// <paramref name="FirstMismatch"/> first.</param>
/// <param name="MismatchCount">All of them, past those listed too.</param>
/// <param name="RoutesTo">The database the customer's id routes to: <paramref name="Database"/> itself, but for a stream held by a database its id
/// does not route to (<see cref="MisplacedStreams"/>), whose first mismatch says so.</param>
public sealed record AlteredStream(string CustomerId, string Database, AuditMismatch FirstMismatch, IReadOnlyList<AuditMismatch> Mismatches, int MismatchCount,
    string RoutesTo);

/// <param name="Erased">How many streams record an erasure of personal data (their erased fields verified against it).</param>
public sealed record LogAuditReport(bool Valid, long Streams, long Checked, long Unsealed, IReadOnlyList<AlteredStream> Altered, long Erased);

/// <summary>Every stream of every database against its seals: what <c>audit-verify</c> and <c>GET /api/audit/verify</c> report.</summary>
public sealed class LogAudit(StreamAudit audit, CustomerDatabases databases, MisplacedStreams misplaced)
{
    private const int MostStreamsPerRead = 500;

    /// <summary>
    /// How many of a database's streams are read and verified together: 500 at most, to keep round trips few over a large
    /// database, and a tenth of them at most, so that the progress, told after each read, passes each tenth on a read of its
    /// own: 600 streams read 500 at a time told "0%", "83%", "100%" and nothing between. One at a time under ten streams.
    /// </summary>
    public static int StreamsPerRead(int streams) => Math.Clamp(streams / 10, 1, MostStreamsPerRead);

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
            foreach (var chunk in ids.Chunk(StreamsPerRead(ids.Count)))
            {
                var reports = await audit.VerifyAsync(connection, chunk, ct);
                foreach (var stream in chunk)
                {
                    var report = reports.GetValueOrDefault(stream);
                    if (misplaced.IsMisplaced(stream, name)) altered.Add(await MisplacedAsync(connection, stream, name, report, ct));
                    else if (report?.FirstMismatch is { } mismatch)
                        altered.Add(new AlteredStream(stream, name, mismatch, report.Mismatches, report.MismatchCount, name));
                    if (report is null) continue;
                    (checkedEvents, unsealed) = (checkedEvents + report.Checked, unsealed + report.Unsealed);
                    if (report.Erasures.Count > 0) erased++;
                }
                progress?.Verified(chunk.Length);
            }
        }
        return new LogAuditReport(altered.Count == 0, streams, checkedEvents, unsealed, altered, erased);
    }

    /// <summary>
    /// Its place is its first mismatch, whatever its chain says: a stream an insider wrote by hand verifies, as the sealer sealed it.
    /// A stream the streams table alone names (no event, no seal) has no report; it is misplaced all the same.
    /// </summary>
    private async Task<AlteredStream> MisplacedAsync(Npgsql.NpgsqlConnection connection, string stream, string database, AuditReport? chain, CancellationToken ct)
    {
        var place = await misplaced.MismatchAsync(connection, stream, database, ct);
        var (others, count) = chain is null ? ([], 0) : (chain.Mismatches, chain.MismatchCount);
        return new AlteredStream(stream, database, place, [place, .. others.Take(AuditVerification.MaxMismatchesListed - 1)], count + 1, databases.TenantOf(stream));
    }
}

public interface ILogAuditProgress
{
    void Starting(string database, int streams);
    void Verified(int streams);
}
