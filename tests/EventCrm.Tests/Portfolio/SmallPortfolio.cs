using Alba;
using EventCrm.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// A base of six customers in a schema of its own, small enough to compute every portfolio
/// figure by hand:
///
/// | customer | revenue | margin | costs | profit | notes |
/// |---|---|---|---|---|---|
/// | A | 600 | 100 | 0 | 100 | lead 1 Jan 2024, signed up 5 Jan |
/// | B | 200 | 150 | 0 | 150 | |
/// | C | 100 | 50 | 0 | 50 | a refund of an order it never placed (a data error) |
/// | D | 60 | 30 | 80 (support) | -50 | churned 1 Sep 2024 |
/// | E | 40 | 20 | 0 | 20 | email Eve@Example.com |
/// | F | 0 | 0 | 0 | 0 | a lead only (1 Mar 2024), email eve@example.com: duplicate of E, no segment nor channel (a prospect has none) |
///
/// A to E signed up on 5 January 2024 (acquisition cost 0, channel web); purchases in February.
/// </summary>
public class SmallPortfolio : SchemaHost
{
    public SmallPortfolio() : this("eventcrm_portfolio") { }

    /// <summary>The same base in another schema, for another class of scenarios (no two classes share a schema).</summary>
    protected SmallPortfolio(string schema, params (string Key, string Value)[] settings) : base(schema, settings) { }


    public static readonly DateTimeOffset SignupDay = new(2024, 1, 5, 0, 0, 0, TimeSpan.Zero);

    protected override async Task SeedAsync()
    {
        var feb = new DateTimeOffset(2024, 2, 10, 0, 0, 0, TimeSpan.Zero);
        await Host.PostTouchpoints(new[]
        {
            Lead("A", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), "Ann Able", "ann@a.example"),
            Customer("A", "Ann Able", "ann@a.example"), Sale("A", feb, 600, 100),
            Customer("B", "Bob Best", "bob@b.example"), Sale("B", feb, 200, 150),
            Customer("C", "Cid Cole", "cid@c.example"), Sale("C", feb, 100, 50),
            Of("refund", "C", feb.AddDays(3), new { orderId = "never-placed", amount = 0m, margin = 0m }),
            Customer("D", "Dan Dale", "dan@d.example"), Sale("D", feb, 60, 30),
            Of("support-call", "D", feb.AddDays(5), new { durationMinutes = 60, cost = 80m, reason = "defect", resolved = false }),
            Churn("D", new DateTimeOffset(2024, 9, 1, 0, 0, 0, TimeSpan.Zero)),
            Customer("E", "Eve Eden", "Eve@Example.com"), Sale("E", feb, 40, 20),
            Lead("F", new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), "Fay Fox", "eve@example.com"),
        });
        await Store.CatchUp();
    }

    private static Dictionary<string, object?> Customer(string id, string name, string email) =>
        Of("signed-up", id, SignupDay, new { name, email, segment = "smb", channel = "web", acquisitionCost = 0m });

    private static Dictionary<string, object?> Sale(string id, DateTimeOffset at, decimal amount, decimal margin) =>
        Of("purchase", id, at, new { orderId = $"{id}-1", amount, margin, category = "rollers" });
}
