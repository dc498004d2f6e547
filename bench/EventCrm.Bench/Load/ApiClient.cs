using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Load;

public sealed record PostResult(HttpStatusCode Status, int Appended, double Milliseconds, string? Problem);

/// <summary>
/// The load clients' side of the HTTP API: one pooled HttpClient (keep-alive connections, as a
/// real integration would hold them), the API key header on every request, latency per call.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public ApiClient(BenchContext ctx, Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", ctx.ApiKey);
    }

    public async Task<PostResult> PostTouchpointsAsync(byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var watch = Stopwatch.StartNew();
        using var answer = await _http.PostAsync("/api/touchpoints", content, ct);
        var text = await answer.Content.ReadAsStringAsync(ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (!answer.IsSuccessStatusCode) return new PostResult(answer.StatusCode, 0, ms, Shorten(text));
        using var doc = JsonDocument.Parse(text);
        return new PostResult(answer.StatusCode, doc.RootElement.GetProperty("appended").GetInt32(), ms, null);
    }

    /// <summary>A GET whose whole body is read; the latency covers the body.</summary>
    public async Task<(HttpStatusCode Status, double Milliseconds, string Body)> GetAsync(string path, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var answer = await _http.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
        var body = await answer.Content.ReadAsStringAsync(ct);
        return (answer.StatusCode, watch.Elapsed.TotalMilliseconds, body);
    }

    public void Dispose() => _http.Dispose();

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
