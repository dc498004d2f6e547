namespace EventCrm.Relationship.Touchpoints;

/// <param name="Field">The field at fault.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record FieldError(string Field, string Message)
{
    /// <summary>The other fields a rule judged together with <see cref="Field"/> (a margin against its amount).</summary>
    public IReadOnlyList<string> JudgedWith { get; init; } = [];
}

/// <summary>The business rules every touchpoint must satisfy before it may become an event.</summary>
public static class TouchpointRules
{
    /// <summary>Clocks of callers drift; anything further ahead than this is a mistake, not drift.</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// No single touchpoint is worth more: a trillion. Amounts beyond it are typing mistakes, and a
    /// few near decimal's limit would overflow the sums every value is made of, breaking the
    /// customer's reads and the portfolio's refit.
    /// </summary>
    public const decimal MaximumAmount = 1_000_000_000_000m;

    /// <summary>
    /// No touchpoint of a customer relationship happened before 1900: earlier dates are the
    /// placeholders ERP exports write for a missing one (0001-01-01, 1899-12-30), which would
    /// date the customer's history, tenure and rates a millennium back.
    /// </summary>
    public static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<FieldError> Check(ITouchpoint touchpoint, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        if (touchpoint.OccurredAt > now + AllowedClockSkew)
            errors.Add(new("occurredAt", $"must not be more than {AllowedClockSkew.TotalMinutes:0} minutes in the future"));
        else if (touchpoint.OccurredAt < Earliest)
            errors.Add(new("occurredAt", "must not be before 1900-01-01: an earlier date is a placeholder for a missing one, not when the touchpoint happened"));

        switch (touchpoint)
        {
            case SignedUp s:
                Amount(errors, "acquisitionCost", s.AcquisitionCost);
                break;
            case PurchaseMade p:
                Amount(errors, "amount", p.Amount);
                MarginWithinAmount(errors, p.Margin, p.Amount);
                break;
            case PurchaseRefunded r:
                Amount(errors, "amount", r.Amount);
                MarginWithinAmount(errors, r.Margin, r.Amount);
                break;
            case SupportCallLogged c:
                Amount(errors, "cost", c.Cost);
                if (c.DurationMinutes < 0) errors.Add(new("durationMinutes", "must not be negative"));
                break;
            case VisitMade v:
                Amount(errors, "cost", v.Cost);
                break;
            case PromotionOffered o:
                Amount(errors, "cost", o.Cost);
                break;
            case PromotionAccepted a:
                Amount(errors, "discountAmount", a.DiscountAmount);
                break;
        }
        return errors;
    }

    private static void Amount(List<FieldError> errors, string field, decimal value)
    {
        if (value < 0) errors.Add(new(field, "must not be negative"));
        else if (value > MaximumAmount) errors.Add(new(field, $"must not be more than {MaximumAmount:#,0}"));
    }

    /// <summary>A margin may be a loss, but not a loss larger than any amount may be.</summary>
    private static void MarginWithinAmount(List<FieldError> errors, decimal margin, decimal amount)
    {
        if (margin > amount) errors.Add(new("margin", "must not be greater than amount") { JudgedWith = ["amount"] });
        else if (margin < -MaximumAmount) errors.Add(new("margin", $"must not be less than -{MaximumAmount:#,0}"));
    }
}
