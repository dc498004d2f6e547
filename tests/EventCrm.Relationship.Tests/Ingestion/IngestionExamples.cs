using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Tests.Ingestion;

/// <summary>The store states and touchpoints the ingestion scenarios start from.</summary>
internal static class IngestionExamples
{
    public static readonly DateTimeOffset Jan1 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly Dictionary<string, StoredTouchpoint> NothingStored = [];
    public static readonly Dictionary<string, CustomerStanding> NobodyKnown = [];

    public static SignedUp SignUp(string id) => new(id, Jan1, "Ada", "ada@example.com", "smb", "web", 10m);
    public static PurchaseMade Purchase(string id, decimal amount = 100m) => new(id, Jan1.AddDays(1), "o-1", amount, 20m, "rollers");
}
