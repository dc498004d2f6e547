using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>
/// The digest of an anchor: SHA-256 over one line per seal, in sequence order, each line the
/// seal's columns separated by one space and ended by a newline:
/// <c>seq_id stream_id version hash personal_hashes</c> (personal_hashes as PostgreSQL writes
/// jsonb). An auditor recomputes it without this code: <c>psql -At -c "select concat_ws(' ',
/// seq_id, stream_id, version, hash, personal_hashes) from SCHEMA.audit_seals where seq_id &lt;= N
/// order by seq_id" | sha256sum</c>.
/// </summary>
public sealed class SealLines : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[512];

    public long Count { get; private set; }

    public void Add(long sequence, string streamId, long version, string hash, string personalHashes)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{sequence} {streamId} {version} {hash} {personalHashes}\n");
        var length = Encoding.UTF8.GetMaxByteCount(line.Length);
        if (_buffer.Length < length) _buffer = new byte[length];
        _hash.AppendData(_buffer, 0, Encoding.UTF8.GetBytes(line, _buffer));
        Count++;
    }

    public string Digest() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Dispose() => _hash.Dispose();
}
