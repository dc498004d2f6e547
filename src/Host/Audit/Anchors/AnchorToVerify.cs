using EventCrm.Host.Infrastructure;
using EventCrm.Host.Values;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>An anchor as an auditor hands it back: what <c>GET /api/audit/anchor</c> or <c>audit-anchor</c> gave.</summary>
public sealed record AnchorToVerify(DateTimeOffset? TakenAt, List<DatabaseAnchorToVerify?>? Databases)
{
    private const string DatabaseShape = "{database, sequence, seals, digest}";
    private const string Shape = $"{{takenAt, databases: [{DatabaseShape}, ...]}}";
    private static readonly string[] Fields = ["takenAt", "databases"];

    /// <summary>
    /// The body of <c>POST /api/audit/anchor/verify</c>, read field by field as every JSON body of
    /// the API is (<see cref="JsonRequestBody"/>): a field it does not have (<c>DATABASES</c>), a
    /// number sent as a string or a moment that does not read is a 400 naming it
    /// (<c>databases[0].sequence</c>), rather than taken, dropped or told vaguely.
    /// </summary>
    public static async Task<(AnchorToVerify? Anchor, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Shape, Fields, ct);
        if (body is null) return (null, problem);
        var anchor = From(body);
        return body.Problem() is { } refused ? (null, refused) : (anchor, null);
    }

    /// <summary>
    /// An anchor kept in a file (<c>audit-verify --anchor</c>), read exactly as the route reads its body;
    /// else what is wrong with it, in one line ("is not an anchor: databases[0].sequence must be ...").
    /// </summary>
    public static (AnchorToVerify? Anchor, string? Problem) Parse(ReadOnlyMemory<byte> json)
    {
        var (body, problem) = JsonRequestBody.Parse(json, Shape, Fields, "an anchor");
        if (body is null) return (null, $"is not an anchor: it {problem}");
        var anchor = From(body);
        return body.Refusals.Count > 0 ? (null, $"is not an anchor: {InOneLine(body.Refusals)}") : (anchor, null);
    }

    public static string InOneLine(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"));

    private static AnchorToVerify From(JsonRequestBody body)
    {
        var takenAt = body.Moment("takenAt", Moments.Problem, ifLeftOut: "verify an anchor without its time");
        var databases = body.Objects("databases", DatabaseShape, ["database", "sequence", "seals", "digest"])?
            .Select(d => (DatabaseAnchorToVerify?)new DatabaseAnchorToVerify(d.Text("database"), d.LongWholeNumber("sequence"), d.LongWholeNumber("seals"), d.Text("digest")))
            .ToList();
        return new AnchorToVerify(takenAt, databases);
    }

    /// <summary>The anchor, or what is missing or malformed in it, by field.</summary>
    public Dictionary<string, string[]> Read(out AuditAnchor anchor)
    {
        anchor = new AuditAnchor(TakenAt ?? DateTimeOffset.MinValue, []);
        var errors = new Dictionary<string, string[]>();
        if (Databases is not { Count: > 0 } databases)
        {
            errors["databases"] = ["must list at least one database's anchor, as GET /api/audit/anchor gave them"];
            return errors;
        }
        var read = new List<DatabaseAnchor>();
        for (var i = 0; i < databases.Count; i++)
        {
            var key = $"databases[{i}]";
            if (databases[i] is not { } d) { errors[key] = ["must be an object"]; continue; }
            if (string.IsNullOrWhiteSpace(d.Database)) errors[$"{key}.database"] = ["is required"];
            if (d.Sequence is not >= 0) errors[$"{key}.sequence"] = ["is required, 0 or more"];
            if (d.Seals is not >= 0) errors[$"{key}.seals"] = ["is required, 0 or more"];
            if (DigestProblem(d.Digest) is { } problem) errors[$"{key}.digest"] = [problem];
            else if (errors.Count == 0) read.Add(new DatabaseAnchor(d.Database!, d.Sequence!.Value, d.Seals!.Value, d.Digest!.ToLowerInvariant()));
        }
        if (read.GroupBy(d => d.Database).FirstOrDefault(g => g.Count() > 1) is { } twice) errors["databases"] = [$"lists database '{twice.Key}' twice"];
        if (errors.Count == 0) anchor = anchor with { Databases = read };
        return errors;
    }

    /// <summary>A digest cut short (a copy that missed its end) is told by its length, not just as malformed.</summary>
    private static string? DigestProblem(string? digest)
    {
        const string Rule = "must be a SHA-256 in hexadecimal (64 characters)";
        if (digest is null) return Rule;
        if (digest.Length != 64) return $"{Rule}: it has {digest.Length}";
        var bad = digest.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF");
        return bad < 0 ? null : $"{Rule}: character {bad + 1} is not a hexadecimal digit";
    }
}

public sealed record DatabaseAnchorToVerify(string? Database, long? Sequence, long? Seals, string? Digest);
