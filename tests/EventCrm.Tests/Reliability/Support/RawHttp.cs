using System.Net.Sockets;
using System.Text;

namespace EventCrm.Tests.Reliability.Support;

public sealed record RawAnswer(int Status, Dictionary<string, string> Headers, string Body)
{
    public string? MediaType => Headers.TryGetValue("content-type", out var type) ? type.Split(';')[0].Trim() : null;
}

/// <summary>
/// HTTP/1.1 over a bare socket, for what HttpClient will not do: keep sending a body the server has
/// already refused (and read the refusal anyway), send a path HttpClient would clean up.
/// </summary>
public static class RawHttp
{
    public static async Task<RawAnswer> Send(int port, string method, string target, IDictionary<string, string> headers, Stream? body,
        bool chunked = false, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancel.Token);
        var stream = client.GetStream();

        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        if (body is not null) head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel.Token);

        // The server may answer and close before the body is all sent: stop writing then, and read its answer.
        var reading = ReadAll(stream, cancel.Token);
        if (body is not null)
        {
            try
            {
                var buffer = new byte[64 * 1024];
                int read;
                while (!reading.IsCompleted && (read = await body.ReadAsync(buffer, cancel.Token)) > 0)
                {
                    if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{read:X}\r\n"), cancel.Token);
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancel.Token);
                    if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), cancel.Token);
                }
                if (chunked && !reading.IsCompleted) await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancel.Token);
            }
            catch (IOException)
            {
                // the server closed the connection: its answer, if any, is in what was read
            }
        }
        return Parse(await reading);
    }

    private static async Task<byte[]> ReadAll(NetworkStream stream, CancellationToken ct)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0) all.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // reset after the answer
        }
        return all.ToArray();
    }

    private static RawAnswer Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) throw new InvalidOperationException($"no HTTP answer: '{text}'");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = text[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked")) body = Unchunk(body);
        return new RawAnswer(status, headers, body);
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(body[at..lineEnd].Split(';')[0], 16);
            if (size == 0) break;
            result.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
