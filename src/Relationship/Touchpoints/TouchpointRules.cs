namespace EventCrm.Relationship.Touchpoints;

public sealed record FieldError(string Field, string Message);

/// <summary>The business rules every touchpoint must satisfy before it may become an event.</summary>
public static class TouchpointRules
{
    /// <summary>Clocks of callers drift; anything further ahead than this is a mistake, not drift.</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<FieldError> Check(ITouchpoint touchpoint, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        if (touchpoint.OccurredAt > now + AllowedClockSkew)
            errors.Add(new("occurredAt", $"must not be more than {AllowedClockSkew.TotalMinutes:0} minutes in the future"));

        switch (touchpoint)
        {
            case SignedUp s:
                NotNegative(errors, "acquisitionCost", s.AcquisitionCost);
                break;
            case PurchaseMade p:
                NotNegative(errors, "amount", p.Amount);
                MarginWithinAmount(errors, p.Margin, p.Amount);
                break;
            case PurchaseRefunded r:
                NotNegative(errors, "amount", r.Amount);
                MarginWithinAmount(errors, r.Margin, r.Amount);
                break;
            case SupportCallLogged c:
                NotNegative(errors, "cost", c.Cost);
                if (c.DurationMinutes < 0) errors.Add(new("durationMinutes", "must not be negative"));
                break;
            case VisitMade v:
                NotNegative(errors, "cost", v.Cost);
                break;
            case PromotionOffered o:
                NotNegative(errors, "cost", o.Cost);
                break;
            case PromotionAccepted a:
                NotNegative(errors, "discountAmount", a.DiscountAmount);
                break;
        }
        return errors;
    }

    private static void NotNegative(List<FieldError> errors, string field, decimal value)
    {
        if (value < 0) errors.Add(new(field, "must not be negative"));
    }

    private static void MarginWithinAmount(List<FieldError> errors, decimal margin, decimal amount)
    {
        if (margin > amount) errors.Add(new("margin", "must not be greater than amount"));
    }
}
