using System.Net;
using System.Net.Sockets;
using System.Text;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Shared;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// The flush deadline of an export over HTTP, through Kestrel and a real socket (when_an_export_client_stops_reading
/// shows it on a pipe): a client whose 4 KB receive buffer is never read once the export has begun. Kestrel's own
/// minimum data rate let such a client keep its slot and the snapshot's transaction for hours; with
/// <c>Export:FlushDeadline</c> set to 3 s the export is ended within seconds, the connection cut mid-body, and the one
/// export slot of the node (<c>Export:MaxConcurrent</c> = 1) is free again for the next client.
/// </summary>
public class when_an_export_client_over_a_socket_stops_reading : IAsyncLifetime
{
    private static readonly string Schema = $"eventcrm_stall_{Guid.NewGuid():N}"[..24];
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);
    // Some 16,000 events of 300 bytes and more: megabytes past what Kestrel and the loopback socket hold for a client.
    private const int Customers = 8_000;
    private HostProcess _host = null!;

    public async ValueTask InitializeAsync() => _host = await HostProcess.Start("export-stall", KestrelHost.ConnectionString, Schema, AppFixture.AdminKey,
        new Dictionary<string, string> { ["Export__MaxConcurrent"] = "1", ["Export__FlushDeadline"] = "00:00:03" });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await new StoreChecks(KestrelHost.ConnectionString, Schema).DropSchema();
    }

    [Fact]
    public async Task the_export_is_cut_and_its_slot_given_back_to_the_next_client()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { { AppFixture.ApiKeyHeader, AppFixture.AdminKey } } };
        var ids = Enumerable.Range(0, Customers).Select(_ => Ids.Customer()).ToArray();
        foreach (var batch in ids.Chunk(250))
            (await Clients.PostTouchpoints(http, batch.SelectMany(c => new[] { SignUp(c, Jan1), Purchase(c, Jan1.AddDays(3)) }).ToArray())).Status.ShouldBe(201);
        var mark = _host.Mark();

        using var stalled = await ExportNeverRead();
        // The one slot is held by the export that nobody reads: the next client is told the service is busy.
        (await http.GetAsync($"/api/events?customerId={ids[0]}")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        var freed = await WhenAnExportIsServed(http, ids[0]);

        freed.ShouldBeTrue("the stalled export still held the node's one export slot after 90 s");
        _host.LinesSince(mark).ShouldContain(line => line.Contains("Export ended: The client took no part of the export's last 1,000 events within 3 s"));
        (await CutMidBody(stalled)).ShouldBeTrue("the stalled export's body ended as if it were whole");
        (await OpenTransactionsOnTheEvents()).ShouldBe(0);
    }

    /// <summary>A client that asks for the whole log, reads the first bytes of the answer (its status line), then nothing.</summary>
    private async Task<Socket> ExportNeverRead()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, _host.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n{AppFixture.ApiKeyHeader}: {AppFixture.AdminKey}\r\n\r\n"));
        var head = new byte[64];
        var read = await socket.ReceiveAsync(head.AsMemory()).AsTask().WaitAsync(Guard);
        Encoding.ASCII.GetString(head, 0, read).ShouldStartWith("HTTP/1.1 200");
        return socket;
    }

    /// <summary>Asks for one customer's events every half second until the node has a slot for it, for at most the guard.</summary>
    private static async Task<bool> WhenAnExportIsServed(HttpClient http, string customer)
    {
        var until = DateTime.UtcNow + Guard;
        while (DateTime.UtcNow < until)
        {
            using var answer = await http.GetAsync($"/api/events?customerId={customer}");
            if (answer.StatusCode == HttpStatusCode.OK) return true;
            answer.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            await Task.Delay(500);
        }
        return false;
    }

    /// <summary>Reads what was left in the socket: a chunked body cut short never reaches its last, empty chunk.</summary>
    private static async Task<bool> CutMidBody(Socket socket)
    {
        var tail = new List<byte>();
        var buffer = new byte[64 * 1024];
        try
        {
            for (int read; (read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Guard)) > 0;)
                tail.AddRange(buffer.AsSpan(0, read).ToArray().TakeLast(16));
        }
        catch (SocketException)
        {
            return true;   // reset by the server: cut
        }
        return !Encoding.ASCII.GetString(tail.TakeLast(16).ToArray()).EndsWith("\r\n0\r\n\r\n");
    }

    private static async Task<long> OpenTransactionsOnTheEvents()
    {
        await using var connection = new NpgsqlConnection(KestrelHost.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where state like 'idle in transaction%' and query like @events", connection);
        command.Parameters.AddWithValue("events", $"%{Schema}.mt_events%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
