using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;

namespace EventCrm.Relationship.Tests.Valuation;

// Touchpoints for the pure valuation scenarios. Business time counts from 1 January 2024,
// midnight UTC. Tenure counts a year as 365.25 days, so Year(1) is exactly one year of tenure
// (31 December 2024, 06:00 UTC) and every worked example below can use whole years.
internal static class Touchpoint
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Day(double days) => Start.AddDays(days);

    public static DateTimeOffset Year(double years) => Start.AddDays(years * 365.25);

    private static string NewId() => $"tp-{Guid.NewGuid():N}";

    public static LeadCaptured Lead(DateTimeOffset at) => new(NewId(), at, "Lead", "lead@example.com", "web");

    public static SignedUp SignUp(DateTimeOffset at, string segment = "smb", decimal acquisitionCost = 0m) =>
        new(NewId(), at, "Customer", "customer@example.com", segment, "web", acquisitionCost);

    public static PurchaseMade Purchase(DateTimeOffset at, decimal amount, decimal margin, string category = "rollers", string? orderId = null) =>
        new(NewId(), at, orderId ?? $"o-{Guid.NewGuid():N}", amount, margin, category);

    public static PurchaseRefunded Refund(DateTimeOffset at, string orderId, decimal amount, decimal margin) =>
        new(NewId(), at, orderId, amount, margin);

    public static SupportCallLogged SupportCall(DateTimeOffset at, decimal cost) => new(NewId(), at, 10, cost, "question", true);

    public static VisitMade Visit(DateTimeOffset at, decimal cost) => new(NewId(), at, cost, "review");

    public static PromotionOffered PromotionOffered(DateTimeOffset at, string promotionId, decimal cost) => new(NewId(), at, promotionId, cost);

    public static PromotionAccepted PromotionAccepted(DateTimeOffset at, string promotionId, decimal discount) => new(NewId(), at, promotionId, discount);

    public static PromotionDeclined PromotionDeclined(DateTimeOffset at, string promotionId) => new(NewId(), at, promotionId);

    public static CancellationRequested CancellationRequest(DateTimeOffset at) => new(NewId(), at, "price");

    public static CustomerChurned Churn(DateTimeOffset at) => new(NewId(), at, "moved");

    public static RetentionOfferMade RetentionOffer(DateTimeOffset at, string offerId, decimal cost) =>
        new(NewId(), at, "tp-cancellation", offerId, 100m, cost, at.AddDays(14), "value-tier", new Dictionary<string, decimal>());

    public static RetentionOfferAccepted RetentionAccepted(DateTimeOffset at, string offerId) => new(NewId(), at, offerId);

    public static RetentionOfferDeclined RetentionDeclined(DateTimeOffset at, string offerId) => new(NewId(), at, offerId);

    public static FoldedLedger Ledger(params ITouchpoint[] touchpoints) => Ledger($"c-{Guid.NewGuid():N}", touchpoints);

    public static FoldedLedger Ledger(string customerId, params ITouchpoint[] touchpoints) => FoldedLedger.Of(customerId, touchpoints);

    public static FormulaChoice Formula(string name, int version, params (string Name, decimal Value)[] parameters) =>
        new(name, version, parameters.ToDictionary(p => p.Name, p => p.Value));
}

/// <summary>
/// The customer of tests/EventCrm.Tests/Values/when_valuing_a_customer.cs and of docs/value.md's
/// worked example, signed up on 1 January 2024 and valued one year later.
/// </summary>
internal static class WorkedExample
{
    public static readonly DateTimeOffset AsOf = Touchpoint.Year(1);   // 2024-12-31T06:00:00Z

    public static FoldedLedger Ledger(params ITouchpoint[] later)
    {
        var signup = Touchpoint.Start;
        return Touchpoint.Ledger("worked-example",
        [
            Touchpoint.SignUp(signup, "smb", acquisitionCost: 120m),
            Touchpoint.Purchase(signup.AddMonths(2), 100m, 30m, "rollers", "o-1"),
            Touchpoint.SupportCall(signup.AddMonths(3), 15m),
            Touchpoint.Purchase(signup.AddMonths(6), 300m, 90m, "movers", "o-2"),
            Touchpoint.Refund(signup.AddMonths(6).AddDays(9), "o-2", 50m, 15m),
            Touchpoint.Visit(signup.AddMonths(7), 80m),
            Touchpoint.PromotionOffered(signup.AddMonths(8), "p-1", 5m),
            Touchpoint.PromotionAccepted(signup.AddMonths(8).AddDays(2), "p-1", 10m),
            .. later,
        ]);
    }
}
