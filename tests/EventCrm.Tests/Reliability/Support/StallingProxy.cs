using System.Net;
using System.Net.Sockets;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>
/// A TCP relay between the Host and PostgreSQL that can stop forwarding without closing anything:
/// as a database process paused with SIGSTOP, or a firewall dropping packets, looks to its clients.
/// While stalled, connections are still accepted and kept open, and nothing arrives either way;
/// what was sent meanwhile is delivered once it resumes. It listens on a free port of its own.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _closing = new();
    private readonly List<TcpClient> _connections = [];
    private volatile TaskCompletionSource _flowing = Flowing();
    private readonly Task _accepting;

    private StallingProxy(string upstreamHost, int upstreamPort)
    {
        (_upstreamHost, _upstreamPort) = (upstreamHost, upstreamPort);
        _listener.Start();
        _accepting = AcceptAll();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A relay to the database of the connection string; <see cref="Through"/> gives the string that goes through it.</summary>
    public static StallingProxy To(Npgsql.NpgsqlConnectionStringBuilder database) => new(database.Host!, database.Port);

    public string Through(Npgsql.NpgsqlConnectionStringBuilder database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>From now on nothing is forwarded, either way, until <see cref="Resume"/>.</summary>
    public void Stall()
    {
        if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Resume() => _flowing.TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAll()
    {
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_closing.Token);
                _ = Relay(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // closing
        }
    }

    private async Task Relay(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            lock (_connections) _connections.AddRange([client, upstream]);
            await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _closing.Token);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
            // When either side closes, the other is closed too, as the database's socket would be.
            await Task.WhenAny(Pump(client.GetStream(), upstream.GetStream(), both.Token), Pump(upstream.GetStream(), client.GetStream(), both.Token));
            await both.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // a side went away
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task Pump(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                // Read and written only while flowing: a stall holds what is read until it ends, and reads nothing more.
                await _flowing.Task.WaitAsync(ct);
                var read = await from.ReadAsync(buffer, ct);
                if (read == 0) return;
                await _flowing.Task.WaitAsync(ct);
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // a side went away, or the proxy closes
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _listener.Stop();
        Resume();
        lock (_connections) foreach (var connection in _connections) connection.Dispose();
        await _accepting;
        _closing.Dispose();
    }
}
