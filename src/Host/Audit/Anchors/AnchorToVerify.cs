using EventCrm.Host.Infrastructure;
using EventCrm.Host.Values;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>An anchor as an auditor hands it back: what <c>GET /api/audit/anchor</c> or <c>audit-anchor</c> gave.</summary>
public sealed record AnchorToVerify(DateTimeOffset? TakenAt, List<DatabaseAnchorToVerify?>? Databases)
{
    private const string DatabaseShape = "{database, sequence, seals, digest}";

    /// <summary>
    /// The body of <c>POST /api/audit/anchor/verify</c>, read field by field as every JSON body of
    /// the API is (<see cref="JsonRequestBody"/>): a field it does not have (<c>DATABASES</c>), a
    /// number sent as a string or a moment that does not read is a 400 naming it
    /// (<c>databases[0].sequence</c>), rather than taken, dropped or told vaguely.
    /// </summary>
    public static async Task<(AnchorToVerify? Anchor, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, $"{{takenAt, databases: [{DatabaseShape}, ...]}}", ["takenAt", "databases"], ct);
        if (body is null) return (null, problem);
        var takenAt = body.Moment("takenAt", Moments.Problem);
        var databases = body.Objects("databases", DatabaseShape, ["database", "sequence", "seals", "digest"])?
            .Select(d => (DatabaseAnchorToVerify?)new DatabaseAnchorToVerify(d.Text("database"), d.LongWholeNumber("sequence"), d.LongWholeNumber("seals"), d.Text("digest")))
            .ToList();
        return body.Problem() is { } refused ? (null, refused) : (new AnchorToVerify(takenAt, databases), null);
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
            if (d.Digest is not { Length: 64 } digest || !digest.All(Uri.IsHexDigit)) errors[$"{key}.digest"] = ["must be a SHA-256 in hexadecimal (64 characters)"];
            else if (errors.Count == 0) read.Add(new DatabaseAnchor(d.Database!, d.Sequence!.Value, d.Seals!.Value, digest.ToLowerInvariant()));
        }
        if (read.GroupBy(d => d.Database).FirstOrDefault(g => g.Count() > 1) is { } twice) errors["databases"] = [$"lists database '{twice.Key}' twice"];
        if (errors.Count == 0) anchor = anchor with { Databases = read };
        return errors;
    }
}

public sealed record DatabaseAnchorToVerify(string? Database, long? Sequence, long? Seals, string? Digest);
