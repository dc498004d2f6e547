using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>What one request got: its status (0 when no answer came), how long it took, and what it carried.</summary>
public sealed record Attempt(int Status, TimeSpan Took, string? MediaType, string? RetryAfter, string Body)
{
    public bool Acknowledged => Status is >= 200 and < 300;
    public override string ToString() => $"{(Status == 0 ? "no answer" : Status.ToString())} in {Took.TotalMilliseconds:0} ms {(Body.Length > 200 ? Body[..200] : Body)}";
}

public static class Clients
{
    public static async Task<Attempt> Send(HttpClient http, HttpMethod method, string path, object? json = null)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var message = new HttpRequestMessage(method, path);
            if (json is not null) message.Content = new StringContent(JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            return new Attempt((int)response.StatusCode, watch.Elapsed, response.Content.Headers.ContentType?.MediaType,
                response.Headers.RetryAfter?.ToString(), body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Attempt(0, watch.Elapsed, null, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public static Task<Attempt> PostTouchpoints(HttpClient http, object body) => Send(http, HttpMethod.Post, "/api/touchpoints", body);

    /// <summary>Sends the same request until it is acknowledged, as a client should after a 503, a 409 or no answer.</summary>
    public static async Task<Attempt> UntilAcknowledged(HttpClient http, object body, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var attempt = await PostTouchpoints(http, body);
            if (attempt.Acknowledged || attempt.Status is >= 400 and < 500 and not 409 || DateTime.UtcNow > deadline) return attempt;
            await Task.Delay(250);
        }
    }

    public static int Appended(this Attempt attempt) => JsonNode.Parse(attempt.Body)!["appended"]!.GetValue<int>();

    public static HttpClient For(Uri baseAddress, string adminKey, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
        http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}
