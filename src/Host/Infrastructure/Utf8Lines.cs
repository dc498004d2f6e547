using System.Text;
using System.Text.Unicode;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Reads a stream line by line as UTF-8, and says of each line whether its bytes were UTF-8. A
/// StreamReader puts U+FFFD in place of bytes that are no UTF-8 character, without a word, so a
/// Latin-1 "José" would be stored as "Jos\uFFFD". Here such a line is still read (with U+FFFD, so
/// the lines after it keep their numbers) but flagged, and the caller refuses it. Lines end at
/// "\n", "\r\n" or "\r", as for a StreamReader; a UTF-8 byte order mark at the start is skipped.
/// A line longer than <paramref name="maxLineBytes"/> is refused (<see cref="InvalidDataException"/>,
/// "line N: ...") as soon as that many bytes are buffered, so that one endless line cannot make the
/// reader hold a whole file (and its copies as text and cells) in memory.
/// </summary>
public sealed class Utf8Lines(Stream stream, int maxLineBytes = int.MaxValue) : TextReader
{
    private static readonly Encoding Substituting = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private bool _ended, _started;
    private int _lines;

    /// <summary>
    /// Whether the stream begins with a UTF-16 byte order mark (Excel's "Unicode Text"): its lines are
    /// then not UTF-8, and the caller can say which encoding the file is in rather than guess Latin-1.
    /// </summary>
    public bool StartsWithUtf16Mark { get; private set; }

    /// <summary>Whether the line <see cref="ReadLine"/> returned last held bytes that are not UTF-8.</summary>
    public bool LastLineNotUtf8 { get; private set; }

    public override string? ReadLine()
    {
        if (!_started)
        {
            _started = true;
            while (_end - _start < ByteOrderMark.Length && Fill()) { }
            if (_buffer.AsSpan(_start, _end - _start).StartsWith(ByteOrderMark)) _start += ByteOrderMark.Length;
            StartsWithUtf16Mark = _buffer.AsSpan(_start, _end - _start) is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..];
        }
        var searched = 0;
        while (true)
        {
            var at = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOfAny((byte)'\n', (byte)'\r');
            if (at >= 0)
            {
                var end = _start + searched + at;
                if (end - _start > maxLineBytes) throw TooLong();
                // "\r\n" is one line break: make sure the byte after a "\r" is there to look at.
                if (_buffer[end] == '\r' && end + 1 == _end && !_ended)
                {
                    searched = end - _start;
                    Fill();
                    continue;
                }
                var line = Decode(_start, end);
                _start = end + (_buffer[end] == '\r' && end + 1 < _end && _buffer[end + 1] == '\n' ? 2 : 1);
                _lines++;
                return line;
            }
            searched = _end - _start;
            if (searched > maxLineBytes) throw TooLong();
            if (!Fill())
            {
                if (_start == _end) return null;
                var last = Decode(_start, _end);
                _start = _end;
                _lines++;
                return last;
            }
        }
    }

    private InvalidDataException TooLong() =>
        new($"line {_lines + 1}: longer than {maxLineBytes:#,0} bytes, which no row of this file can be");

    private string Decode(int from, int to)
    {
        var bytes = _buffer.AsSpan(from, to - from);
        LastLineNotUtf8 = !Utf8.IsValid(bytes);
        return Substituting.GetString(bytes);
    }

    /// <summary>Reads more of the stream after what is buffered (keeping the unread part, growing the buffer for a long line); false at its end.</summary>
    private bool Fill()
    {
        if (_ended) return false;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _ended = true;
        _end += read;
        return read > 0;
    }
}
