using EventCrm.Tests.Support;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

/// <summary>
/// Thirteen customers, each signed up with one purchase, and two versions of simple-clv that make
/// their values plain: <see cref="ByOwnOrders"/> values a customer at its own average order value
/// (1 purchase a year for 1 year), <see cref="Flat"/> every customer at 100; Flat is in force, so a
/// replay under ByOwnOrders differs from the live values by the customer's purchase less 100.
/// </summary>
public sealed class ReplayPagesHost() : SchemaHost("eventcrm_replay_pages")
{
    /// <summary>Each customer's one purchase (the amount): 100 for two of them, so two customers do not change.</summary>
    public static readonly (string Id, decimal Amount)[] Purchases =
    [
        ("pg-01", 100m), ("pg-02", 250m), ("pg-03", 40m), ("pg-04", 160m), ("pg-05", 300m), ("pg-06", 10m), ("pg-07", 180m),
        ("pg-08", 130m), ("pg-09", 70m), ("pg-10", 120m), ("pg-11", 95m), ("pg-12", 110m), ("pg-13", 100m),
    ];

    public string ByOwnOrders { get; private set; } = "";
    public string Flat { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(Purchases.SelectMany(p => new[] { SignUp(p.Id, Jan1), Purchase(p.Id, Jan1.AddDays(30), p.Amount, p.Amount / 4) }).ToArray());
        ByOwnOrders = await Register(new { purchasesPerYear = 1m, lifetimeYears = 1m });
        Flat = await Register(new { averageOrderValue = 100m, purchasesPerYear = 1m, lifetimeYears = 1m });
        await Host.PostJson("/api/formulas/default", new { formula = Flat }, 200);
    }

    private async Task<string> Register(object parameters)
    {
        var registered = await Host.PostJson("/api/formulas", new { name = "simple-clv", parameters }, 201);
        return $"simple-clv@{registered["version"]}";
    }
}
