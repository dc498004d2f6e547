using System.Text.Json;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Touchpoints;
using Types = EventCrm.Relationship.Touchpoints.TouchpointTypes;

namespace EventCrm.Host.Touchpoints;

public sealed record ParsedTouchpoint(string CustomerId, ITouchpoint Touchpoint);

/// <summary>
/// Turns one touchpoint of the public API into its event, or says every field that is wrong: a
/// JSON object of POST /api/touchpoints, or a row of an import file, read by the same rules.
/// </summary>
public static class TouchpointReader
{
    public const int MaxCustomerIdLength = 100;
    public const int MaxTouchpointIdLength = 200;
    private const int Text = 500;
    private const int Label = 200;

    public static (ParsedTouchpoint? Touchpoint, IReadOnlyList<FieldError> Errors) Read(JsonElement item, DateTimeOffset now)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return (null, [new FieldError("", "must be a JSON object")]);
        return Read(new JsonTouchpointFields(item), now);
    }

    private static bool IsTheServices(string? touchpointId) => touchpointId?.StartsWith(SystemStreams.Prefix, StringComparison.Ordinal) == true;

    public static (ParsedTouchpoint? Touchpoint, IReadOnlyList<FieldError> Errors) Read(TouchpointFields f, DateTimeOffset now)
    {
        var type = f.RequiredString("type", 64);
        var customerId = f.RequiredString("customerId", MaxCustomerIdLength);
        if (customerId?.StartsWith(SystemStreams.Prefix, StringComparison.Ordinal) == true)
            f.Errors.Add(new("customerId", $"must not start with '{SystemStreams.Prefix}', which is reserved for the service's own streams"));
        else if (customerId == SystemStreams.MartenTombstone)
            f.Errors.Add(new("customerId", $"must not be '{SystemStreams.MartenTombstone}', the event store's own stream"));
        else if (customerId is "." or "..")
            f.Errors.Add(new("customerId", $"must not be '{customerId}': a URL cannot name it (a path segment of dots is taken out of the path, " +
                "even written %2E), so the customer could be neither read nor erased"));
        var id = f.RequiredString("touchpointId", MaxTouchpointIdLength)!;
        // Touchpoint ids are one space for every customer: a caller holding the id of a decision the
        // service is about to record would have that decision refused, the client never assessed.
        if (IsTheServices(id))
            f.Errors.Add(new("touchpointId", $"must not start with '{SystemStreams.Prefix}', which is reserved for the service's own touchpoints"));
        var at = f.RequiredTimestamp("occurredAt");

        ITouchpoint? touchpoint = type switch
        {
            null => null,
            Types.LeadCaptured => new LeadCaptured(id, at, f.RequiredString("name", Label)!, f.Email("email")!, f.OptionalString("source", Label)),
            Types.SignedUp => new SignedUp(id, at, f.RequiredString("name", Label)!, f.Email("email")!,
                f.RequiredString("segment", Label)!, f.OptionalString("channel", Label), f.RequiredDecimal("acquisitionCost")),
            Types.Purchase => new PurchaseMade(id, at, f.RequiredString("orderId", Label)!, f.RequiredDecimal("amount"),
                f.RequiredDecimal("margin"), f.RequiredString("category", Label)!),
            Types.Refund => new PurchaseRefunded(id, at, f.RequiredString("orderId", Label)!, f.RequiredDecimal("amount"), f.RequiredDecimal("margin")),
            Types.SupportCall => new SupportCallLogged(id, at, f.RequiredInt("durationMinutes"), f.RequiredDecimal("cost"),
                f.OptionalString("reason", Text), f.RequiredBool("resolved")),
            Types.Visit => new VisitMade(id, at, f.RequiredDecimal("cost"), f.OptionalString("purpose", Text)),
            Types.PromotionOffered => new PromotionOffered(id, at, f.RequiredString("promotionId", Label)!, f.RequiredDecimal("cost")),
            Types.PromotionAccepted => new PromotionAccepted(id, at, f.RequiredString("promotionId", Label)!, f.RequiredDecimal("discountAmount")),
            Types.PromotionDeclined => new PromotionDeclined(id, at, f.RequiredString("promotionId", Label)!),
            Types.CancellationRequested => new CancellationRequested(id, at, f.OptionalString("reason", Text)),
            Types.CancellationWithdrawn => new CancellationWithdrawn(id, at, f.RequiredString("cancellationTouchpointId", MaxTouchpointIdLength)!, f.OptionalString("reason", Text)),
            Types.Churned => new CustomerChurned(id, at, f.OptionalString("reason", Text), f.OptionalString("cancellationTouchpointId", MaxTouchpointIdLength)),
            Types.RetentionOfferAccepted => new RetentionOfferAccepted(id, at, f.RequiredString("offerId", Label)!),
            Types.RetentionOfferDeclined => new RetentionOfferDeclined(id, at, f.RequiredString("offerId", Label)!),
            _ when Types.RecordedByTheService.Contains(type) => RecordedByTheService(f, type),
            _ => Unknown(f, type),
        };

        if (touchpoint is not null) f.RejectUnknownFields();
        var ruleErrors = touchpoint is null ? [] : RuleErrors(touchpoint, f.Errors, now);
        if (f.Errors.Count > 0 || touchpoint is null || customerId is null) return (null, [.. f.Errors, .. ruleErrors]);
        return ruleErrors.Count > 0 ? (null, ruleErrors) : (new ParsedTouchpoint(customerId, touchpoint), []);
    }

    /// <summary>
    /// The business rules' errors, beside the fields that could not be read: a client fixes
    /// everything in one go. A rule that judged a field that could not be read judged a stand-in
    /// value, so its verdict is left out.
    /// </summary>
    private static List<FieldError> RuleErrors(ITouchpoint touchpoint, IReadOnlyList<FieldError> unread, DateTimeOffset now)
    {
        var unreadable = unread.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        return TouchpointRules.Check(touchpoint, now).Where(e => !unreadable.Contains(e.Field) && !e.JudgedWith.Any(unreadable.Contains)).ToList();
    }

    private static ITouchpoint? RecordedByTheService(TouchpointFields f, string type)
    {
        f.Errors.Add(new("type", $"'{type}' is recorded by the service itself when it assesses a cancellation; it cannot be sent"));
        return null;
    }

    private static ITouchpoint? Unknown(TouchpointFields f, string type)
    {
        f.Errors.Add(new("type", $"'{type}' is not a touchpoint type; expected one of: {string.Join(", ", Types.ByName.Keys.Where(k => !Types.RecordedByTheService.Contains(k)))}"));
        return null;
    }
}
