using EventCrm.Tests.Support;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

/// <summary>
/// A schema of its own (replays read the whole log and compare with the formula in force) with
/// 300 customers (r-0000 named "Customer 0000" ...): a signup, two purchases and, for one in three, a support call.
/// </summary>
public sealed class ReplayHost() : SchemaHost(SchemaName)
{
    public const string SchemaName = "eventcrm_replays";
    public const int Customers = 300;
    public List<string> CustomerIds { get; } = [];

    protected override async Task SeedAsync()
    {
        var batch = new List<Dictionary<string, object?>>();
        for (var i = 0; i < Customers; i++)
        {
            var id = $"r-{i:D4}";
            CustomerIds.Add(id);
            batch.Add(SignUp(id, Jan1, $"Customer {i:D4}", $"customer{i:D4}@example.com"));
            batch.Add(Purchase(id, Jan1.AddDays(10 + i % 50), amount: 100m + i, margin: 30m));
            batch.Add(Purchase(id, Jan1.AddDays(100 + i % 70), amount: 50m + i % 9, margin: 10m));
            if (i % 3 == 0) batch.Add(SupportCall(id, Jan1.AddDays(120), cost: 25m));
            if (batch.Count >= 900) { await Host.PostTouchpoints(batch.ToArray()); batch.Clear(); }
        }
        if (batch.Count > 0) await Host.PostTouchpoints(batch.ToArray());
    }

    public const int Events = Customers * 3 + Customers / 3;
}
