using Alba;
using EventCrm.Tests.Support;
using Shouldly;
using System.Text.Json.Nodes;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>The two clients of seed 000, as touchpoints: Alpha is worth keeping, Beta costs more than it brings.</summary>
public static class RetentionClients
{
    public const decimal TwoYears = 2 * 365.25m;

    /// <summary>
    /// Alpha: signed up exactly two years ago (no acquisition cost), 20 purchases of 2,000 with a
    /// margin of 800: 16,000 of margin in 2 years, 8,000 a year, no cost to serve.
    /// </summary>
    public static Task<string> Alpha(IAlbaHost host) => Alpha(host, margin: 800m);

    /// <summary>Alpha with another margin per purchase: 10 x that margin a year.</summary>
    public static async Task<string> Alpha(IAlbaHost host, decimal margin, string? id = null)
    {
        id ??= Ids.Customer();
        var signup = DateTimeOffset.UtcNow.AddDays(-(double)TwoYears);
        await host.PostTouchpoints(new[] { Of("signed-up", id, signup, new { name = "Alpha Industries", email = "ops@alpha.example", segment = "enterprise", channel = "field-sales", acquisitionCost = 0m }) }
            .Concat(Enumerable.Range(1, 20).Select(i => Purchase(id, signup.AddDays(30 * i), amount: 2000m, margin: margin))).ToArray());
        return id;
    }

    /// <summary>Beta: a year of small purchases (margin 30) and support calls costing 600: it loses money.</summary>
    public static async Task<string> Beta(IAlbaHost host)
    {
        var id = Ids.Customer();
        var signup = DateTimeOffset.UtcNow.AddDays(-365.25);
        await host.PostTouchpoints(new[]
        {
            Of("signed-up", id, signup, new { name = "Beta Trading", email = "desk@beta.example", segment = "smb", channel = "web", acquisitionCost = 0m }),
            Purchase(id, signup.AddDays(40), amount: 100m, margin: 10m), Purchase(id, signup.AddDays(100), amount: 100m, margin: 10m),
            Purchase(id, signup.AddDays(200), amount: 100m, margin: 10m),
            SupportCall(id, signup.AddDays(110), cost: 300m), SupportCall(id, signup.AddDays(210), cost: 300m),
        });
        return id;
    }

    /// <summary>Alpha asks to cancel and is made an offer: its id and the offer's.</summary>
    public static async Task<(string Customer, string OfferId)> AlphaWithAnOffer(IAlbaHost host)
    {
        var alpha = await Alpha(host);
        await RequestCancellation(host, alpha);
        var decision = await Decision(host, alpha);
        decision["decision"]!.GetValue<string>().ShouldBe("offer-made");
        return (alpha, decision["offer"]!["offerId"]!.GetValue<string>());
    }

    public static Task RequestCancellation(IAlbaHost host, string customerId) =>
        host.PostTouchpoints(CancellationRequest(customerId, DateTimeOffset.UtcNow.AddMinutes(-1)));

    /// <summary>The assessment runs asynchronously (event subscription, then a Wolverine message): wait for its decision.</summary>
    public static async Task<JsonNode> Decision(IAlbaHost host, string customerId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var retention = await host.GetJson($"/api/customers/{customerId}/retention");
            var pending = retention["pending"];
            if (pending is not null && pending["decision"]!.GetValue<string>() != "assessing") return pending;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"no retention decision for {customerId} within 60 s: {retention.ToJsonString()}");
            await Task.Delay(250);
        }
    }
}
