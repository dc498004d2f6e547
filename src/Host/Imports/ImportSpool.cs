using Microsoft.Win32.SafeHandles;

namespace EventCrm.Host.Imports;

/// <summary>
/// The body of <c>POST /api/imports</c> written to disk, since the import reads it twice and never holds it in memory. It
/// holds the caller's personal data (names, emails, free text), so it has a name only for the instant between its creation
/// and its unlinking (Linux, macOS), or is deleted by the system when its handle closes (Windows): a process killed
/// mid-import leaves nothing behind (docs/privacy.md, "Copies outside the database"). Each pass reads it through the
/// one open handle.
/// </summary>
public sealed class ImportSpool : IAsyncDisposable
{
    /// <summary>How a spool's name begins, in <see cref="ImportSpoolFolder"/>: what the sweep at start looks for.</summary>
    public const string Prefix = "eventcrm-import-";

    private readonly FileStream _file;

    private ImportSpool(FileStream file) => _file = file;

    public static async Task<ImportSpool> WriteAsync(Stream body, string folder, CancellationToken ct)
    {
        var path = Path.Combine(folder, $"{Prefix}{Guid.NewGuid():N}.csv");
        var file = new FileStream(path, Options());
        try
        {
            // Unlinked at once: the open handle keeps the data until it closes, as the process's death closes it.
            if (!OperatingSystem.IsWindows()) File.Delete(path);
            await body.CopyToAsync(file, ct);
            await file.FlushAsync(ct);
            return new ImportSpool(file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The spool to read, from its start, for one pass: the handle stays the spool's (the stream does not close it).</summary>
    public ImportSource Source => new(() => new HandleReader(_file.SafeFileHandle, _file.Length));

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    /// <summary>
    /// Readable and writable by the service's own user only (0600), never by the machine's others; locked against every
    /// other opening while it lives (FileShare.None: the sweep at start cannot take it).
    /// </summary>
    private static FileStreamOptions Options()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None,
            Options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>A pass's read of the spool: positioned reads of the shared handle, each pass with its own position.</summary>
    private sealed class HandleReader(SafeFileHandle handle, long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = RandomAccess.Read(handle, buffer, _position);
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer, _position, ct);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
