using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EventCrm.Browser.Tests.Support;

/// <summary>
/// The customers of the browser scenarios, seeded through the public API as an ERP would send
/// them (seed 000: Alpha is worth keeping, Beta is not), among a small base of ordinary customers
/// so that the portfolio model and the value tiers have something to compare with.
/// </summary>
public sealed class ScenarioData(HttpClient api, DateTimeOffset now)
{
    public const string Alpha = "alpha-industries";
    public const string AlphaName = "Alpha Industries";
    public const string Beta = "beta-services";
    public const string BetaName = "Beta Services";
    public const string Gamma = "gamma-trading";
    public const string GammaName = "Gamma Trading";
    public const string Delta = "delta-logistics";
    public const string DeltaName = "Delta Logistics";
    /// <summary>Like Beta, costs more than it brings and asks to leave: the desk lets it go.</summary>
    public const string Epsilon = "epsilon-repairs";
    public const string EpsilonName = "Epsilon Repairs";
    /// <summary>Good clients who ask to leave and are made offers: Zeta declines it, Eta's is answered elsewhere while the desk looks.</summary>
    public const string Zeta = "zeta-cranes";
    public const string ZetaName = "Zeta Cranes";
    public const string Eta = "eta-hoists";
    public const string EtaName = "Eta Hoists";
    /// <summary>A good client asking to leave, answered from a desk computer whose clock runs an hour ahead.</summary>
    public const string Theta = "theta-winches";
    public const string ThetaName = "Theta Winches";
    /// <summary>Like Epsilon, costs more than it brings; asks to leave in its own scenario, and stays.</summary>
    public const string Iota = "iota-workshop";
    public const string IotaName = "Iota Workshop";
    public const int Ordinary = 24;
    public const int Customers = Ordinary + 9;

    private int _touchpoints;

    public async Task Seed()
    {
        await Post(AlphaHistory());
        await Post(BetaHistory());
        await Post(GammaHistory());
        await Post(DeltaHistory());
        await Post(EpsilonHistory());
        await Post(CostlyHistory(Iota, IotaName, "bench@iota-workshop.example"));
        await Post(GoodClientHistory(Zeta, ZetaName, "procurement@zeta-cranes.example", 1800m));
        await Post(GoodClientHistory(Eta, EtaName, "buying@eta-hoists.example", 1600m));
        await Post(GoodClientHistory(Theta, ThetaName, "orders@theta-winches.example", 1700m));
        await Post(Enumerable.Range(1, Ordinary).SelectMany(OrdinaryHistory));
        (await api.PostAsJsonAsync("/api/models/refit", new { })).EnsureSuccessStatusCode();

        // Both ask to leave once the model knows the base: the service then assesses each request.
        // Alpha's comes from a system whose clock runs four minutes ahead: the desk's answer may not be dated before it.
        await Post([Of("cancellation-requested", Alpha, now.AddMinutes(4), new { reason = "a competitor offers a lower price" })]);
        await Post([Of("cancellation-requested", Beta, now.AddMinutes(-10), new { reason = "too expensive" })]);
        await Post([Of("cancellation-requested", Epsilon, now.AddMinutes(-9), new { reason = "closing the workshop" })]);
        await Post([Of("cancellation-requested", Zeta, now.AddMinutes(-8), new { reason = "moving production abroad" })]);
        await Post([Of("cancellation-requested", Eta, now.AddMinutes(-7), new { reason = "a cheaper supplier" })]);
        await Post([Of("cancellation-requested", Theta, now.AddMinutes(-6), new { reason = "budget cut" })]);
    }

    /// <summary>Two years of large monthly orders at a 40% margin, a few cheap calls and visits.</summary>
    private IEnumerable<JsonObject> AlphaHistory()
    {
        var signup = now.AddDays(-730);
        yield return Of("signed-up", Alpha, signup, new
        {
            name = AlphaName, email = "purchasing@alpha-industries.example", segment = "enterprise", channel = "sales", acquisitionCost = 800m,
        });
        for (var month = 1; month <= 23; month++)
        {
            var amount = 2400m + month % 4 * 300m;
            yield return Purchase(Alpha, signup.AddDays(30.4 * month), amount, amount * 0.4m, month % 2 == 0 ? "rollers" : "machine-movers");
        }
        yield return Of("support-call", Alpha, signup.AddDays(200), new { durationMinutes = 10, cost = 20m, reason = "delivery date", resolved = true });
        yield return Of("visit", Alpha, signup.AddDays(380), new { cost = 150m, purpose = "yearly review" });
    }

    /// <summary>A year of a few small orders at a thin margin, and many long, costly support calls.</summary>
    private IEnumerable<JsonObject> BetaHistory()
    {
        var signup = now.AddDays(-400);
        yield return Of("signed-up", Beta, signup, new
        {
            name = BetaName, email = "office@beta-services.example", segment = "smb", channel = "web", acquisitionCost = 150m,
        });
        decimal[] amounts = [60m, 45m, 80m, 50m];
        for (var i = 0; i < amounts.Length; i++) yield return Purchase(Beta, signup.AddDays(20 + 90 * i), amounts[i], amounts[i] * 0.1m, "spare-parts");
        for (var i = 0; i < 7; i++)
            yield return Of("support-call", Beta, signup.AddDays(35 + 45 * i), new { durationMinutes = 40, cost = 45m, reason = "invoice dispute", resolved = i % 2 == 0 });
    }

    private IEnumerable<JsonObject> EpsilonHistory() => CostlyHistory(Epsilon, EpsilonName, "shop@epsilon-repairs.example");

    /// <summary>One small order at a thin margin, then five costly warranty calls: a negative value.</summary>
    private IEnumerable<JsonObject> CostlyHistory(string id, string name, string email)
    {
        var signup = now.AddDays(-300);
        yield return Of("signed-up", id, signup, new { name, email, segment = "smb", channel = "web", acquisitionCost = 120m });
        yield return Purchase(id, signup.AddDays(30), 70m, 7m, "spare-parts");
        for (var i = 0; i < 5; i++)
            yield return Of("support-call", id, signup.AddDays(50 + 40 * i), new { durationMinutes = 35, cost = 40m, reason = "warranty claim", resolved = true });
    }

    /// <summary>Eighteen months of monthly orders at a good margin.</summary>
    private IEnumerable<JsonObject> GoodClientHistory(string id, string name, string email, decimal amount)
    {
        var signup = now.AddDays(-540);
        yield return Of("signed-up", id, signup, new { name, email, segment = "enterprise", channel = "sales", acquisitionCost = 600m });
        for (var month = 1; month <= 17; month++) yield return Purchase(id, signup.AddDays(30.4 * month), amount, amount * 0.35m, "lifting");
    }

    /// <summary>A steady customer with every kind of touchpoint, for the timeline and value views.</summary>
    private IEnumerable<JsonObject> GammaHistory()
    {
        var signup = now.AddDays(-500);
        yield return Of("lead-captured", Gamma, signup.AddDays(-20), new { name = GammaName, email = "buyer@gamma-trading.example", source = "trade fair" });
        yield return Of("signed-up", Gamma, signup, new
        {
            name = GammaName, email = "buyer@gamma-trading.example", segment = "mid-market", channel = "web", acquisitionCost = 300m,
        });
        for (var i = 1; i <= 12; i++) yield return Purchase(Gamma, signup.AddDays(40 * i), 700m, 210m, "lifting", $"gamma-o{i}");
        yield return Of("refund", Gamma, signup.AddDays(85), new { orderId = "gamma-o2", amount = 200m, margin = 60m });
        yield return Of("support-call", Gamma, signup.AddDays(130), new { durationMinutes = 15, cost = 25m, reason = "spare part", resolved = true });
        yield return Of("visit", Gamma, signup.AddDays(250), new { cost = 120m, purpose = "site survey" });
        yield return Of("promotion-offered", Gamma, signup.AddDays(300), new { promotionId = "spring", cost = 10m });
        yield return Of("promotion-accepted", Gamma, signup.AddDays(302), new { promotionId = "spring", discountAmount = 50m });
    }

    /// <summary>A good customer who has not asked to leave yet: a scenario sends the request while the desk looks.</summary>
    private IEnumerable<JsonObject> DeltaHistory()
    {
        var signup = now.AddDays(-600);
        yield return Of("signed-up", Delta, signup, new
        {
            name = DeltaName, email = "fleet@delta-logistics.example", segment = "mid-market", channel = "sales", acquisitionCost = 400m,
        });
        for (var i = 1; i <= 15; i++) yield return Purchase(Delta, signup.AddDays(38 * i + i * i % 17), 1000m + 50m * (i % 5), 300m, "machine-movers");
    }

    public static JsonObject CancellationOf(string customer, DateTimeOffset at, string reason) => new()
    {
        ["type"] = "cancellation-requested", ["touchpointId"] = $"{customer}-cancel-{Guid.NewGuid():N}", ["customerId"] = customer,
        ["occurredAt"] = at.ToString("O"), ["reason"] = reason,
    };

    private IEnumerable<JsonObject> OrdinaryHistory(int n)
    {
        var id = $"ordinary-{n:00}";
        var signup = now.AddDays(-300 - 15 * n);
        yield return Of("signed-up", id, signup, new
        {
            name = $"Ordinary Customer {n:00}", email = $"buyer{n:00}@ordinary.example", segment = n % 2 == 0 ? "smb" : "consumer", channel = "web", acquisitionCost = 100m,
        });
        for (var i = 1; i <= 3 + n % 6; i++)
        {
            var amount = 100m + 12m * n + 20m * i;
            yield return Purchase(id, signup.AddDays(25 * i + n), amount, amount * 0.25m, i % 2 == 0 ? "safety" : "lifting");
        }
    }

    private JsonObject Purchase(string customer, DateTimeOffset at, decimal amount, decimal margin, string category, string? orderId = null) =>
        Of("purchase", customer, at, new { orderId = orderId ?? $"{customer}-o{_touchpoints}", amount, margin, category });

    private JsonObject Of(string type, string customer, DateTimeOffset at, object fields)
    {
        var touchpoint = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(fields))!.AsObject();
        touchpoint["type"] = type;
        touchpoint["touchpointId"] = $"{customer}-t{++_touchpoints}";
        touchpoint["customerId"] = customer;
        touchpoint["occurredAt"] = at.ToString("O");
        return touchpoint;
    }

    private async Task Post(IEnumerable<JsonObject> touchpoints)
    {
        var response = await api.PostAsJsonAsync("/api/touchpoints", touchpoints.ToArray());
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Seeding failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
