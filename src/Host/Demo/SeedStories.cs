using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Demo;

/// <summary>
/// Seed 000's two clients, each with a cancellation waiting for the desk: Alpha, two years of
/// large, profitable orders; Beta, small orders and costly support calls. The service assesses
/// both when it starts, so the desk finds an offer for Alpha and none for Beta.
/// </summary>
public static class SeedStories
{
    public const string Alpha = "demo-alpha", Beta = "demo-beta";

    public static IReadOnlyList<IncomingTouchpoint> For(DateTimeOffset end)
    {
        var alphaStart = end.AddDays(-730);
        var alpha = new List<ITouchpoint>
        {
            new LeadCaptured("alpha-0000", alphaStart.AddDays(-20), "Alpha Manutention", "achats@alpha-manutention.example", "trade-show"),
            new SignedUp("alpha-0001", alphaStart, "Alpha Manutention", "achats@alpha-manutention.example", "enterprise", "field-sales", 800m),
        };
        for (var month = 1; month <= 23; month++)
            alpha.Add(new PurchaseMade($"alpha-{month + 1:D4}", alphaStart.AddDays(30.4 * month), $"alpha-o{month}", 4_800m, 1_750m,
                month % 3 == 0 ? "machine-movers" : "rollers"));
        alpha.Add(new VisitMade("alpha-0100", alphaStart.AddDays(200), 350m, "account review"));
        alpha.Add(new CancellationRequested("alpha-0101", end.AddHours(-20), "a competitor offered a lower price"));

        var betaStart = end.AddDays(-400);
        var beta = new List<ITouchpoint>
        {
            new SignedUp("beta-0001", betaStart, "Beta Négoce", "contact@beta-negoce.example", "smb", "web", 120m),
            new PurchaseMade("beta-0002", betaStart.AddDays(20), "beta-o1", 180m, 22m, "spare-parts"),
            new PurchaseMade("beta-0003", betaStart.AddDays(140), "beta-o2", 95m, 9m, "spare-parts"),
            new PurchaseMade("beta-0004", betaStart.AddDays(260), "beta-o3", 130m, 14m, "safety"),
        };
        for (var call = 1; call <= 6; call++)
            beta.Add(new SupportCallLogged($"beta-01{call:D2}", betaStart.AddDays(25 + 55 * call), 45, 60m, "complaint", call % 2 == 0));
        beta.Add(new CancellationRequested("beta-0200", end.AddHours(-30), "not satisfied with the service"));

        return [.. Indexed(Alpha, alpha), .. Indexed(Beta, beta)];
    }

    private static IEnumerable<IncomingTouchpoint> Indexed(string customerId, IEnumerable<ITouchpoint> touchpoints) =>
        touchpoints.Select((t, i) => new IncomingTouchpoint(i, customerId, t));
}
