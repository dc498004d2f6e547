using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace EventCrm.Browser.Tests.Support;

/// <summary>Answers a scenario gives the page in the service's place (route interception): what it needs, when it needs it.</summary>
public static class FakeAnswers
{
    /// <summary>
    /// GET /api/customers/{id}/retention: asking to cancel with this decision ("assessing", "offer-made", "no-offer"), or retained when null;
    /// an offer of 100.00 without inputs, ending in 7 days, its why a short sentence, asked for the reason "price", unless told.
    /// </summary>
    public static RouteFulfillOptions Retention(string id, string? decision, decimal offerAmount = 100m, JsonObject? offerInputs = null,
        DateTimeOffset? offerEnds = null, string? why = null, string reason = "price") => Json(new JsonObject
    {
        ["customerId"] = id, ["state"] = decision is null ? "retained" : "cancellation-requested",
        ["pending"] = decision is null ? null : new JsonObject
        {
            ["cancellationTouchpointId"] = $"{id}-cancel", ["requestedAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"), ["reason"] = reason,
            ["decision"] = decision, ["why"] = why ?? (decision == "assessing" ? "The cancellation is being assessed." : "The client is worth it."), ["rule"] = "test",
            ["inputs"] = new JsonObject(),
            ["offer"] = decision != "offer-made" ? null : new JsonObject
            {
                ["offerId"] = $"offer:{id}-cancel", ["amount"] = offerAmount, ["cost"] = offerAmount, ["madeAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"),
                ["expiresAt"] = (offerEnds ?? DateTimeOffset.UtcNow.AddDays(7)).ToString("O"),
                ["rule"] = "test", ["inputs"] = offerInputs ?? new JsonObject(),
            },
        },
    });

    /// <summary>GET /api/retention/pending: these clients asking to cancel, without an offer (the seed's own requests are answered by other scenarios meanwhile).</summary>
    public static RouteFulfillOptions WorkList(params (string Id, string Name)[] clients) => Json(new JsonObject
    {
        ["page"] = 1, ["pageSize"] = 50, ["total"] = clients.Length,
        ["items"] = new JsonArray([.. clients.Select(client => (JsonNode)new JsonObject
        {
            ["customerId"] = client.Id, ["name"] = client.Name, ["requestedAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"), ["reason"] = "price",
            ["decision"] = "no-offer", ["offer"] = null, ["currentValue"] = 10m,
        })]),
    });

    /// <summary>GET /api/customers?search=: the page asked for of <paramref name="total"/> customers named "Common Name NN", ordered by name.</summary>
    public static RouteFulfillOptions Search(string url, int total)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
        var (page, pageSize) = (int.Parse(query["page"] ?? "1"), int.Parse(query["pageSize"] ?? "20"));
        return Json(new JsonObject
        {
            ["search"] = query["search"], ["page"] = page, ["pageSize"] = pageSize, ["total"] = total,
            ["customers"] = new JsonArray([.. Enumerable.Range((page - 1) * pageSize + 1, Math.Max(0, Math.Min(pageSize, total - (page - 1) * pageSize)))
                .Select(n => (JsonNode)new JsonObject
                {
                    ["customerId"] = $"common-{n:00}", ["name"] = $"Common Name {n:00}", ["email"] = $"common{n:00}@example.org", ["state"] = "active",
                })]),
        });
    }

    /// <summary>
    /// A customer's whole timeline (entries oldest first) answered as the service pages it: one page,
    /// its total, and newest first when the page asks for that order (the desk does).
    /// </summary>
    public static RouteFulfillOptions TimelinePage(string url, JsonObject timeline)
    {
        var page = (JsonObject)timeline.DeepClone();
        var entries = page["entries"]!.AsArray().Select(e => e!.DeepClone()).ToList();
        var newest = url.Contains("order=newest");
        if (newest) entries.Reverse();
        (page["entries"], page["order"], page["page"], page["pageSize"], page["total"]) =
            (new JsonArray([.. entries]), newest ? "newest" : "oldest", 1, 1000, entries.Count);
        return Json(page);
    }

    /// <summary>POST /api/touchpoints refused as the service refuses an outcome of an offer answered, expired or gone meanwhile.</summary>
    public static RouteFulfillOptions OfferNoLongerOpen(string id) => new()
    {
        Status = 404, ContentType = "application/problem+json",
        Body = new JsonObject
        {
            ["title"] = "Not found", ["status"] = 404,
            ["detail"] = $"offer 'offer:{id}-cancel' is not an open retention offer of customer '{id}' (unknown, already answered or expired). Nothing was appended.",
        }.ToJsonString(),
    };

    public static RouteFulfillOptions Json(JsonObject body) => new() { Status = 200, ContentType = "application/json", Body = body.ToJsonString() };
}
