namespace EventCrm.Tests.Support;

/// <summary>Touchpoints as a client writes them: plain JSON objects of the public API.</summary>
public static class Touchpoint
{
    public static readonly DateTimeOffset Jan1 = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, object?> Of(string type, string customerId, DateTimeOffset occurredAt, object fields, string? touchpointId = null)
    {
        var json = new Dictionary<string, object?>
        {
            ["type"] = type,
            ["touchpointId"] = touchpointId ?? Ids.Touchpoint(),
            ["customerId"] = customerId,
            ["occurredAt"] = occurredAt.ToString("O"),
        };
        foreach (var property in fields.GetType().GetProperties()) json[property.Name] = property.GetValue(fields);
        return json;
    }

    public static Dictionary<string, object?> Lead(string customerId, DateTimeOffset at, string name = "Ada Lovelace", string email = "ada@example.com") =>
        Of("lead-captured", customerId, at, new { name, email, source = "webinar" });

    public static Dictionary<string, object?> SignUp(string customerId, DateTimeOffset at, string name = "Ada Lovelace", string email = "ada@example.com") =>
        Of("signed-up", customerId, at, new { name, email, segment = "smb", channel = "web", acquisitionCost = 120m });

    public static Dictionary<string, object?> Purchase(string customerId, DateTimeOffset at, decimal amount = 100m, decimal margin = 30m, string category = "rollers") =>
        Of("purchase", customerId, at, new { orderId = $"o-{Guid.NewGuid():N}", amount, margin, category });

    public static Dictionary<string, object?> SupportCall(string customerId, DateTimeOffset at, decimal cost = 15m) =>
        Of("support-call", customerId, at, new { durationMinutes = 12, cost, reason = "invoice", resolved = true });

    public static Dictionary<string, object?> CancellationRequest(string customerId, DateTimeOffset at) =>
        Of("cancellation-requested", customerId, at, new { reason = "too expensive" });

    public static Dictionary<string, object?> Churn(string customerId, DateTimeOffset at) =>
        Of("churned", customerId, at, new { reason = "moved to competitor" });
}
