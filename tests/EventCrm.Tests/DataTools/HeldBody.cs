namespace EventCrm.Tests.DataTools;

/// <summary>
/// A request body as a slow client sends it: its first part at once, the rest only when the test
/// lets it go, so that a request is held in the middle of its body for as long as a scenario needs.
/// <see cref="Reading"/> completes at the endpoint's first read; the body may also break off
/// (<see cref="BreakOff"/>) as when the client goes away.
/// </summary>
public sealed class HeldBody(byte[] first, byte[] rest) : Stream
{
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _position;

    public Task Reading => _reading.Task;

    public long Size => first.Length + rest.Length;

    /// <summary>Lets the rest of the body go.</summary>
    public void Release() => _rest.TrySetResult(true);

    /// <summary>Ends the body where it is held, as Kestrel does when the client goes away mid-body.</summary>
    public void BreakOff() => _rest.TrySetResult(false);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        _reading.TrySetResult();
        if (_position >= first.Length && !await _rest.Task.WaitAsync(ct))
            throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Unexpected end of request content.");
        var source = _position < first.Length ? first.AsMemory(_position) : rest.AsMemory(_position - first.Length);
        var count = Math.Min(buffer.Length, source.Length);
        source[..count].CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => Size;
    /// <summary>Alba rewinds the body before sending it.</summary>
    public override long Position { get => _position; set => _position = (int)value; }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
