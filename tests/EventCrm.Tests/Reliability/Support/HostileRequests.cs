using System.Text;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>One generated request: where it goes, what it carries, and how it was made (for the failure report).</summary>
public sealed record HostileRequest(int Case, string Target, string Kind, HttpMethod Method, string Path, byte[]? Body, string? ContentType)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, new Uri(Path, UriKind.Relative));
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        return message;
    }

    public override string ToString()
    {
        var preview = Body is null ? "(no body)" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 160)).Replace("\n", "\\n");
        return $"case {Case} [{Target}/{Kind}] {Method} {(Path.Length > 120 ? Path[..120] + "..." : Path)} " +
               $"({ContentType ?? "no content type"}, {Body?.Length ?? 0} bytes) {preview}";
    }
}

/// <summary>
/// Requests to the write endpoints that are invalid by construction: each generator damages a
/// well-formed request and then makes sure at least one thing about it can never be accepted
/// (a start of a stream with a time without offset, an unknown customer, a role that does not
/// exist, a reference to no formula...), so a 2xx answer or an appended event is a bug.
/// </summary>
public sealed class HostileRequests(ulong seed, IReadOnlyList<(string Method, string Route)> otherWriteRoutes)
{
    private const string ApplicationJson = "application/json";

    private readonly (string Name, int Weight, Func<SeededRandom, int, HostileRequest> Make)[] _targets =
    [
        ("touchpoints", 40, Touchpoints),
        ("imports", 10, Imports),
        ("keys", 9, Keys),
        ("formulas", 8, Formulas),
        ("formulas-default", 6, DefaultFormula),
        ("refit", 6, Refit),
        ("revoke-key", 4, RevokeKey),
        ("rebuild", 4, Rebuild),
    ];

    public IEnumerable<HostileRequest> Take(int count)
    {
        var targets = _targets.ToList();
        if (otherWriteRoutes.Count > 0) targets.Add(("other", 13, Other));
        var total = targets.Sum(t => t.Weight);
        for (var i = 0; i < count; i++)
        {
            var r = SeededRandom.ForCase(seed, i);
            var roll = r.Next(total);
            var target = targets.First(t => (roll -= t.Weight) < 0);
            yield return target.Make(r, i);
        }
    }

    // ---- POST /api/touchpoints ------------------------------------------------------------------

    /// <summary>
    /// A touchpoint of a customer nobody started (only lead-captured and signed-up start one: those
    /// get a time without offset, which no mutation below can repair).
    /// </summary>
    private static JsonObject TouchpointTemplate(SeededRandom r)
    {
        var customer = r.Chance(0.8) ? $"fuzz-{r.NextULong():x}" : Hostile.Text(r);
        var common = new List<(string, Json)>
        {
            ("touchpointId", Json.Str($"fuzz-tp-{r.NextULong():x}")), ("customerId", Json.Str(customer)),
            ("occurredAt", Json.Str("2025-01-01T09:00:00Z")),
        };
        var (type, fields) = r.Next(12) switch
        {
            0 => ("purchase", Fields(("orderId", S("o-1")), ("amount", N(100)), ("margin", N(30)), ("category", S("rollers")))),
            1 => ("refund", Fields(("orderId", S("o-1")), ("amount", N(10)), ("margin", N(3)))),
            2 => ("support-call", Fields(("durationMinutes", N(12)), ("cost", N(15)), ("reason", S("invoice")), ("resolved", Json.Raw("true")))),
            3 => ("visit", Fields(("cost", N(40)), ("purpose", S("demo")))),
            4 => ("promotion-offered", Fields(("promotionId", S("p-1")), ("cost", N(5)))),
            5 => ("promotion-accepted", Fields(("promotionId", S("p-1")), ("discountAmount", N(5)))),
            6 => ("promotion-declined", Fields(("promotionId", S("p-1")))),
            7 => ("cancellation-requested", Fields(("reason", S("price")))),
            8 => ("churned", Fields(("reason", S("moved")))),
            9 => ("retention-offer-accepted", Fields(("offerId", S("offer-1")))),
            10 => ("lead-captured", Fields(("name", S("Ada")), ("email", S("ada@example.com")), ("source", S("web")))),
            _ => ("signed-up", Fields(("name", S("Ada")), ("email", S("ada@example.com")), ("segment", S("smb")), ("channel", S("web")), ("acquisitionCost", N(120)))),
        };
        if (type is "lead-captured" or "signed-up") common[2] = ("occurredAt", Json.Str("2025-01-01T09:00:00"));
        return new JsonObject([("type", Json.Str(type)), .. common, .. fields]);
    }

    private static HostileRequest Touchpoints(SeededRandom r, int i)
    {
        var contentType = r.Chance(0.9) ? ApplicationJson : r.Pick(OddContentTypes);
        var (kind, body) = r.Next(100) switch
        {
            < 35 => ("object", Mutate(TouchpointTemplate(r), r).ToBytes(r.Chance(0.3))),
            < 50 => ("array", Json.Arr([.. Enumerable.Range(0, r.Between(1, 6)).Select(_ => r.Chance(0.5) ? Mutate(TouchpointTemplate(r), r) : TouchpointTemplate(r))]).ToBytes()),
            < 55 => ("array-too-long", Json.Arr([.. Enumerable.Range(0, 1_001).Select(_ => (Json)TouchpointTemplate(r))]).ToBytes()),
            < 58 => ("array-empty", "[]"u8.ToArray()),
            < 70 => ("damaged", Hostile.Damage(Mutate(TouchpointTemplate(r), r).ToBytes(r.Chance(0.3)), r)),
            < 75 => ("nested", Hostile.DeeplyNested(r, r.Chance(0.5))),
            < 79 => ("wide", Hostile.Wide(r).ToBytes()),
            < 85 => ("noise", Hostile.Noise(r)),
            < 89 => ("not-a-body", Encoding.UTF8.GetBytes(r.Pick(Hostile.NotABody))),
            < 95 => ("top-level-value", Hostile.Value(r).ToBytes()),
            _ => ("oversized-field", TouchpointTemplate(r).With(r.Pick(new[] { "touchpointId", "customerId", "orderId", "reason", "name" }),
                Json.Str(new string(r.Pick(new[] { 'x', '\u00E9', '\u202E' }), r.Pick(new[] { 300_000, 1_500_000 })))).ToBytes()),
        };
        return new(i, "touchpoints", kind, HttpMethod.Post, "/api/touchpoints", body, contentType);
    }

    // ---- POST /api/imports ----------------------------------------------------------------------

    private static readonly string[] ImportColumns =
    [
        "type", "touchpointId", "customerId", "occurredAt", "name", "email", "source", "segment", "channel", "acquisitionCost", "orderId", "amount",
        "margin", "category", "durationMinutes", "cost", "reason", "resolved", "purpose", "promotionId", "discountAmount",
    ];

    private static HostileRequest Imports(SeededRandom r, int i)
    {
        var query = r.Next(4) switch
        {
            0 => "",
            1 => "?skipInvalid=false",
            // anything but true: skipping every (bad) row would be a successful import of nothing
            _ => "?skipInvalid=" + Percent(r.Chance(0.5) ? r.Pick(new[] { "yes", "1", "", "tru", "null", "[]" }) : Hostile.Text(r) is var t && t.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) ? "maybe" : t),
        };
        var contentType = r.Chance(0.85) ? r.Pick(new[] { "text/csv", "text/csv; charset=utf-8", "TEXT/CSV" }) : r.Pick(OddContentTypes);
        var (kind, body) = r.Next(10) switch
        {
            < 5 => ("rows", Csv(r)),
            5 => ("damaged-rows", Hostile.Damage(Csv(r), r)),
            6 => ("unknown-column", Encoding.UTF8.GetBytes($"type,touchpointId,customerId,occurredAt,{CsvCell(Hostile.Text(r))}\npurchase,t,c,2025-01-01T00:00:00Z,x\n")),
            7 => ("noise", Hostile.Noise(r)),
            8 => ("unclosed-quote", Encoding.UTF8.GetBytes("type,touchpointId,customerId,occurredAt\n\"purchase,t-1,c-1,2025-01-01T00:00:00Z\n")),
            _ => ("not-a-body", Encoding.UTF8.GetBytes(r.Pick(Hostile.NotABody))),
        };
        return new(i, "imports", kind, HttpMethod.Post, "/api/imports" + query, body, contentType);
    }

    /// <summary>A history file whose rows are touchpoints of customers nobody started, or starts with a time without offset.</summary>
    private static byte[] Csv(SeededRandom r)
    {
        var columns = ImportColumns.OrderBy(_ => r.NextULong()).ToList();
        var text = new StringBuilder(string.Join(',', columns)).Append('\n');
        for (var row = 0; row < r.Between(1, 8); row++)
        {
            var item = Mutate(TouchpointTemplate(r), r) as JsonObject;
            var cells = columns.Select(c => item?.Members.LastOrDefault(m => m.Key == c).Value switch
            {
                JsonString s => s.Value,
                JsonRaw raw => raw.Token,
                null => "",
                var other => Encoding.UTF8.GetString(other.ToBytes()),
            });
            text.Append(string.Join(',', cells.Select(CsvCell))).Append(r.Chance(0.1) ? "\r\n" : "\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string CsvCell(string value) => value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;

    // ---- POST /api/keys, DELETE /api/keys/{id} --------------------------------------------------

    private static HostileRequest Keys(SeededRandom r, int i)
    {
        var template = new JsonObject([("name", S("fuzz key")), ("roles", Json.Arr(S("ingest")))]);
        // Whatever the mutations did, the roles end up unacceptable: not an array, empty, or naming no role.
        Json roles = r.Next(4) switch
        {
            0 => Hostile.NotAString(r),
            1 => Json.Arr(),
            2 => Json.Arr([.. Enumerable.Range(0, r.Between(0, 2)).Select(_ => S(r.Pick(Hostile.Roles))), S(Hostile.Text(r))]),
            _ => Json.Null,
        };
        return JsonEndpoint(r, i, "keys", "/api/keys", Mutate(template, r), "roles", roles);
    }

    private static HostileRequest RevokeKey(SeededRandom r, int i) =>
        new(i, "revoke-key", "route", HttpMethod.Delete, $"/api/keys/{Segment(r)}", r.Chance(0.3) ? Hostile.Noise(r) : null, r.Chance(0.5) ? ApplicationJson : null);

    // ---- POST /api/formulas, /api/formulas/default ------------------------------------------------

    private static HostileRequest Formulas(SeededRandom r, int i)
    {
        var template = new JsonObject([("name", S("simple-clv")), ("parameters", Json.Obj(("lifetimeYears", N(3))))]);
        // Either the name is no formula, or a parameter is no number.
        return r.Chance(0.5)
            ? JsonEndpoint(r, i, "formulas", "/api/formulas", Mutate(template, r), "name", r.Chance(0.7) ? S(Hostile.Text(r)) : Hostile.NotAString(r))
            : JsonEndpoint(r, i, "formulas", "/api/formulas", Mutate(template, r), "parameters",
                Json.Obj((r.Chance(0.5) ? "lifetimeYears" : Hostile.Text(r), Hostile.NotANumber(r))));
    }

    private static HostileRequest DefaultFormula(SeededRandom r, int i)
    {
        var template = new JsonObject([("formula", S("simple-clv@1"))]);
        return r.Next(3) switch
        {
            0 => JsonEndpoint(r, i, "formulas-default", "/api/formulas/default", Mutate(template, r), "formula", S(Hostile.Text(r))),
            1 => JsonEndpoint(r, i, "formulas-default", "/api/formulas/default", Mutate(template, r), "formula", Hostile.NotAString(r)),
            _ => JsonEndpoint(r, i, "formulas-default", "/api/formulas/default",
                new JsonObject([("formula", Json.Null), ("name", S(Hostile.Text(r))), ("version", r.Chance(0.5) ? N(r.Between(-3, 3)) : Hostile.NotANumber(r))]),
                "formula", Json.Null),
        };
    }

    // ---- POST /api/models/refit -----------------------------------------------------------------

    private static readonly string[] FutureTimes = ["2999-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999+00:00", "2100-02-29T00:00:00Z", "3000-01-01"];

    private static HostileRequest Refit(SeededRandom r, int i)
    {
        // Never an empty body, "null" or an object without asOf: those ask for a real refit.
        Json asOf = r.Next(3) switch
        {
            0 => S(r.Chance(0.5) ? r.Pick(FutureTimes) : Hostile.Text(r)),
            1 => Hostile.NotANumber(r),
            _ => Hostile.NotAString(r),
        };
        return JsonEndpoint(r, i, "refit", "/api/models/refit", Mutate(new JsonObject([("asOf", S("2025-01-01T00:00:00Z"))]), r), "asOf", asOf,
            allowBareNull: false);
    }

    // ---- POST /api/projections/{name}/rebuild ---------------------------------------------------

    private static HostileRequest Rebuild(SeededRandom r, int i) =>
        new(i, "rebuild", "route", HttpMethod.Post, $"/api/projections/{Segment(r)}/rebuild", r.Chance(0.5) ? "{}"u8.ToArray() : Hostile.Noise(r), ApplicationJson);

    // ---- every other write route of the Host ------------------------------------------------------

    private HostileRequest Other(SeededRandom r, int i)
    {
        var (method, route) = r.Pick(otherWriteRoutes);
        var path = System.Text.RegularExpressions.Regex.Replace(route, @"\{[^}]+\}", _ => Segment(r));
        var (kind, body) = r.Next(6) switch
        {
            0 => ("damaged", Hostile.Damage(Hostile.Value(r).ToBytes(), r)),
            1 => ("nested", Hostile.DeeplyNested(r, r.Chance(0.5))),
            2 => ("noise", Hostile.Noise(r)),
            3 => ("not-a-body", Encoding.UTF8.GetBytes(r.Pick(Hostile.NotABody))),
            4 => ("array", Hostile.Value(r) is JsonArray a ? a.ToBytes() : "[1]"u8.ToArray()),
            _ => ("object", Json.Obj([.. Enumerable.Range(0, r.Between(1, 4)).Select(_ => (Hostile.Text(r), Hostile.Value(r)))]).ToBytes()),
        };
        return new(i, "other " + route, kind, new HttpMethod(method), path, body, r.Chance(0.9) ? ApplicationJson : r.Pick(OddContentTypes));
    }

    // ---- shared -------------------------------------------------------------------------------------

    private static readonly string[] OddContentTypes =
        ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "image/png", "*/*;;"];

    /// <summary>
    /// A JSON endpoint's body: the damaged template with <paramref name="field"/> forced to an
    /// unacceptable value last (so a duplicate key cannot bring a good value back), or a body that is
    /// no such object at all.
    /// </summary>
    private static HostileRequest JsonEndpoint(SeededRandom r, int i, string target, string path, Json mutated, string field, Json bad, bool allowBareNull = true)
    {
        var forced = mutated is JsonObject o ? o.Without(field).With(field, bad) : new JsonObject([(field, bad)]);
        var (kind, body) = r.Next(100) switch
        {
            < 55 => ("object", forced.ToBytes(r.Chance(0.3))),
            < 65 => ("damaged", Hostile.Damage(forced.ToBytes(), r)),
            < 70 => ("nested", Hostile.DeeplyNested(r, objects: false)),
            < 75 => ("array", Json.Arr(forced).ToBytes()),
            < 82 => ("noise", Hostile.Noise(r)),
            < 88 => ("not-a-body", Encoding.UTF8.GetBytes(allowBareNull ? r.Pick(Hostile.NotABody) : r.Pick(Hostile.NotABody.Where(b => b.Trim('\uFEFF', ' ', '\r', '\n', '\t').Length > 0).ToArray()))),
            < 94 => ("top-level-value", allowBareNull ? Hostile.NotAString(r).ToBytes() : Encoding.UTF8.GetBytes(r.Pick(new[] { "1", "true", "\"x\"", "[]", "[{}]", "-0", "1e999" }))),
            _ => ("null", allowBareNull ? "null"u8.ToArray() : "\"null\""u8.ToArray()),
        };
        var contentType = r.Chance(0.88) ? r.Pick(new[] { ApplicationJson, "application/json; charset=utf-8", "text/json" }) : r.Pick(OddContentTypes);
        return new(i, target, kind, HttpMethod.Post, path, body, contentType);
    }

    /// <summary>Damages a well-formed object: members replaced by hostile values, removed, added, doubled.</summary>
    private static Json Mutate(JsonObject template, SeededRandom r)
    {
        var current = template;
        for (var step = 0; step < r.Between(1, 3); step++)
        {
            var members = current.Members;
            var key = members.Count > 0 ? r.Pick(members).Key : "x";
            current = r.Next(6) switch
            {
                0 or 1 => current.With(key, Hostile.Value(r)),
                2 => current.With(key, r.Chance(0.5) ? Json.Null : S(Hostile.Text(r))),
                3 => current.Without(key),
                4 => new JsonObject([.. members, (r.Chance(0.5) ? Hostile.Text(r) : key.ToUpperInvariant() + " ", Hostile.Value(r))]),
                _ => new JsonObject([.. members, (key, r.Chance(0.5) || members.Count == 0 ? Hostile.Value(r) : members.First(m => m.Key == key).Value)]),
            };
        }
        return current;
    }

    /// <summary>
    /// A path segment: a hostile string percent-encoded, or escapes no decoder should accept. No NUL:
    /// the in-process test client refuses to send it (Kestrel refuses it with a 400 before routing:
    /// when_a_body_is_too_large covers that against a real server).
    /// </summary>
    private static string Segment(SeededRandom r)
    {
        if (r.Next(5) == 0) return r.Pick(new[] { "%ED%A0%80", "%C0%AF", "%FF%FE", "%01", "%25", "%2F", "%5C", "%2e%2e", "%20", "%E2%80%AE", "%F0%9F%98", "%%", "%zz", "x%" });
        var text = Hostile.Text(r);
        return Percent((text.Length > 1_500 ? text[..1_500] : text).Replace("\0", "")) is { Length: > 0 } segment ? segment : "%20";
    }

    private static string Percent(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'~')
                text.Append((char)b);
            else text.Append('%').Append(b.ToString("X2"));
        }
        return text.ToString();
    }

    private static List<(string, Json)> Fields(params (string, Json)[] fields) => [.. fields];
    private static Json S(string value) => Json.Str(value);
    private static Json N(decimal value) => Json.Num(value);
}
