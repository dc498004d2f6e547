namespace EventCrm.Host.Audit.Anchors;

/// <summary>An anchor as an auditor hands it back: what <c>GET /api/audit/anchor</c> or <c>audit-anchor</c> gave.</summary>
public sealed record AnchorToVerify(DateTimeOffset? TakenAt, List<DatabaseAnchorToVerify?>? Databases)
{
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
