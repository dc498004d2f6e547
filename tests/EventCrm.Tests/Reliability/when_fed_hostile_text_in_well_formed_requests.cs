using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Tests.Reliability.Support;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// Issue #6, hostile input that may well be acceptable: unicode traps, SQL and extreme numbers in
/// requests that are otherwise right. Each is stored exactly as sent (after the documented trim) or
/// refused with a 4xx problem, by the documented rules; reads with hostile route and query values
/// never fail with a 5xx either.
/// </summary>
[Collection(HostileInputCollection.Name)]
public partial class when_fed_hostile_text_in_well_formed_requests(FuzzHost fuzz, ITestOutputHelper output)
{
    private const ulong Seed = 6_060_606;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task text_is_stored_exactly_or_refused_by_the_rules_and_nothing_else_is_written()
    {
        using var client = fuzz.Client(PerRequest);
        var failures = new List<string>();
        var before = await StoreCounts.Read(fuzz.ConnectionString, FuzzHost.Schema);
        var appended = 0;
        var keysCreated = 0;
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < 150; i++)
        {
            var r = SeededRandom.ForCase(Seed, i);
            var customer = $"edge-{i}-" + Cut(Hostile.Text(r), 60);
            var name = Cut(Hostile.Text(r), r.Chance(0.8) ? 200 : 201);
            var category = Cut(Hostile.Text(r), 200);
            var email = Cut(Hostile.Text(r), 40).Replace("@", "").Replace(" ", "_") + "@example.com";
            var signupId = $"edge-su-{i}-" + Cut(Hostile.Text(r), 40);
            var body = Json.Arr(
                Json.Obj(("type", Json.Str("signed-up")), ("touchpointId", Json.Str(signupId)), ("customerId", Json.Str(customer)),
                    ("occurredAt", Json.Str("2025-01-01T09:00:00Z")), ("name", Json.Str(name)), ("email", Json.Str(email)),
                    ("segment", Json.Str("smb")), ("acquisitionCost", Json.Num(10))),
                Json.Obj(("type", Json.Str("purchase")), ("touchpointId", Json.Str($"edge-p-{i}")), ("customerId", Json.Str(customer)),
                    ("occurredAt", Json.Str("2025-01-02T09:00:00Z")), ("orderId", Json.Str("o-1")), ("amount", Json.Num(100)), ("margin", Json.Num(30)),
                    ("category", Json.Str(category))));

            var acceptable = Acceptable(customer, 100) && !customer.Trim().StartsWith("system:") && Acceptable(name, 200) && Acceptable(category, 200)
                && Acceptable(signupId, 200) && Acceptable(email, 254) && EmailShape().IsMatch(email.Trim());
            var (status, answer) = await Send(client, HttpMethod.Post, "/api/touchpoints", body.ToBytes(r.Chance(0.5)), failures);
            if (status == 0) continue;
            if (status != (acceptable ? 201 : 400))
            {
                failures.Add($"case {i}: touchpoints answered {status}, the rules say {(acceptable ? 201 : 400)}: {Show(name)} / {Show(category)} / {Show(customer)} / {Show(email)}: {answer}");
                continue;
            }
            if (status != 201) continue;
            appended += 2;

            if (customer.Contains('/'))
            {
                // A '/' in an id cannot be addressed in a URL path (servers keep %2F undecoded there): read it through the query string.
                var (exportStatus, export) = await Send(client, HttpMethod.Get, $"/api/events?customerId={Uri.EscapeDataString(customer.Trim())}", null, failures);
                if (exportStatus != 200 || export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length != 2)
                    failures.Add($"case {i}: the export of {Show(customer)} answered {exportStatus}: {export}");
                continue;
            }
            var (readStatus, timeline) = await Send(client, HttpMethod.Get, $"/api/customers/{Uri.EscapeDataString(customer.Trim())}/timeline", null, failures);
            if (readStatus != 200)
            {
                failures.Add($"case {i}: the timeline of {Show(customer)} answered {readStatus}: {timeline}");
                continue;
            }
            var entries = JsonNode.Parse(timeline)!["entries"]!.AsArray();
            if (entries[0]!["name"]?.GetValue<string>() != name.Trim() || entries[1]!["category"]?.GetValue<string>() != category.Trim()
                || entries[0]!["touchpointId"]?.GetValue<string>() != signupId.Trim())
                failures.Add($"case {i}: stored text differs: sent {Show(name.Trim())} / {Show(category.Trim())}, read {Show(entries[0]!["name"]?.ToString())} / {Show(entries[1]!["category"]?.ToString())}");
        }

        for (var i = 0; i < 60; i++)
        {
            var r = SeededRandom.ForCase(Seed + 1, i);
            var name = Cut(Hostile.Text(r), r.Chance(0.9) ? 200 : 201);
            var acceptable = WellFormed(name) && name.Trim().Length > 0 && name.Length <= 200 && !name.Any(char.IsControl);
            var (status, answer) = await Send(client, HttpMethod.Post, "/api/keys",
                Json.Obj(("name", Json.Str(name)), ("roles", Json.Arr(Json.Str("auditor")))).ToBytes(r.Chance(0.5)), failures);
            if (status == 0) continue;
            if (status != (acceptable ? 201 : 400)) failures.Add($"case {i}: keys answered {status} to the name {Show(name)}, the rules say {(acceptable ? 201 : 400)}: {answer}");
            else if (status == 201)
            {
                keysCreated++;
                if (JsonNode.Parse(answer)!["name"]!.GetValue<string>() != name.Trim()) failures.Add($"case {i}: the key's name {Show(name)} came back as {answer}");
            }
        }

        var formulas = 0;
        foreach (var value in new[] { "79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001", "0", "-1", "1e-28", "1E+28", "3" })
        {
            foreach (var parameter in new[] { "lifetimeYears", "averageOrderValue", "purchasesPerYear" })
            {
                var (status, answer) = await Send(client, HttpMethod.Post, "/api/formulas",
                    Encoding.UTF8.GetBytes($"{{\"name\":\"simple-clv\",\"parameters\":{{\"{parameter}\":{value}}}}}"), failures);
                if (status == 201) formulas++;
                else if (status != 0 && ProblemAnswers.NotAProperRefusal((HttpStatusCode)status, "application/problem+json", answer) is { } why)
                    failures.Add($"formula {parameter} = {value}: {why}: {answer}");
            }
        }

        var after = await StoreCounts.Read(fuzz.ConnectionString, FuzzHost.Schema);
        output.WriteLine($"{appended} touchpoints appended, {keysCreated} keys, {formulas} formula versions, in {watch.Elapsed.TotalSeconds:0.0} s");
        foreach (var failure in failures.Take(30)) output.WriteLine("FAILED " + failure);
        failures.Take(10).ShouldBeEmpty($"{failures.Count} answers broke the rules");
        (after.Events - before.Events).ShouldBe(appended + formulas, "events were written beyond the acknowledged ones");
        (after.ApiKeys - before.ApiKeys).ShouldBe(keysCreated);
    }

    [Fact]
    public async Task reads_with_hostile_route_and_query_values_never_fail_with_a_5xx()
    {
        using var client = fuzz.Client(PerRequest);
        var failures = new List<string>();
        var routes = new[]
        {
            "/api/customers/{id}", "/api/customers/{id}/timeline", "/api/customers/{id}/value?asOf={q}", "/api/customers/{id}/value?knownAt={q}&formula={q}",
            "/api/customers/{id}/value-history?from={q}&to={q}", "/api/customers/{id}/audit", "/api/customers/{id}/retention",
            "/api/customers?search={q}", "/api/customers?search={q}&page={q}&pageSize={q}", "/api/events?from={q}", "/api/events?types={q}&customerId={id}",
            "/api/models/current?knownAt={q}", "/api/projections/{id}", "/api/replays/{id}", "/api/formulas?knownAt={q}", "/api/portfolio/pareto?asOf={q}",
            "/api/kpis?from={q}&to={q}", "/api/portfolio/segments?formula={q}",
        };
        for (var i = 0; i < 400; i++)
        {
            var r = SeededRandom.ForCase(Seed + 2, i);
            var path = routes[i % routes.Length]
                .Replace("{id}", Escape(Cut(Hostile.Text(r), 300)))
                .Replace("{q}", r.Chance(0.3) ? Escape(r.Pick(Hostile.Numbers)) : Escape(Cut(Hostile.Text(r), 300)));
            // Send records a 4xx that is no problem document, and a request that got no answer.
            var (status, answer) = await Send(client, HttpMethod.Get, path, null, failures);
            if (status >= 500) failures.Add($"GET {path}: {status} {(answer.Length > 200 ? answer[..200] : answer)}");
        }
        foreach (var failure in failures.Take(30)) output.WriteLine("FAILED " + failure);
        failures.Take(10).ShouldBeEmpty($"{failures.Count} reads failed");
    }

    private static async Task<(int Status, string Body)> Send(HttpClient client, HttpMethod method, string path, byte[]? body, List<string> failures)
    {
        using var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }
        try
        {
            using var response = await client.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            var code = (int)response.StatusCode;
            if (code >= 400 && ProblemAnswers.NotAProblem(code, response.Content.Headers.ContentType?.MediaType, text) is { } why)
                failures.Add($"{method} {path}: {why}");
            return (code, text);
        }
        catch (Exception e)
        {
            failures.Add($"{method} {path}: {e.GetType().Name}: {e.Message}");
            return (0, "");
        }
    }

    private static bool Acceptable(string text, int max) =>
        WellFormed(text) && text.Trim() is { Length: > 0 } trimmed && trimmed.Length <= max && !trimmed.Any(char.IsControl);

    private static bool WellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial System.Text.RegularExpressions.Regex EmailShape();

    private static string Cut(string text, int max) => text.Length > max ? text[..max] : text;

    /// <summary>Percent-encodes UTF-8 (a lone surrogate becomes U+FFFD on the way, as any client would send it).</summary>
    private static string Escape(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text.Replace("\0", "")).Select(b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' ? ((char)b).ToString() : $"%{b:X2}"));

    private static string Show(string? text) => text is null ? "null" :
        "\"" + string.Concat(text.Take(40).Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + (text.Length > 40 ? $"...\"({text.Length})" : "\"");
}
