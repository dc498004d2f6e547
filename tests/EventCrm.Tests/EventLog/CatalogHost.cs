using System.Text.Json.Nodes;
using EventCrm.Host.Demo;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Retention;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.EventLog;

/// <summary>
/// A schema of its own, where one event of every type is appended the way the service appends it:
/// touchpoints posted, the retention workflow driven to each of its outcomes (offers live 12 s, so
/// one expires while the test waits), an erasure, a refit, a formula registered and put in force,
/// the demo seeding's records.
/// </summary>
public sealed class CatalogHost() : ProcessSchemaHost("eventcrm_catalog", ("Retention:OfferLifetime", "00:00:12"))
{
    /// <summary>The touchpoints any client posts, in the order that starts a customer first.</summary>
    public static readonly string[] Posted =
    [
        "lead-captured", "signed-up", "purchase", "refund", "support-call", "visit", "promotion-offered",
        "promotion-accepted", "promotion-declined", "cancellation-requested", "churned",
    ];

    public async Task<Dictionary<string, StoredEvent>> AppendOneOfEach(IReadOnlyDictionary<string, JsonObject> examples)
    {
        var stored = new Dictionary<string, StoredEvent>();
        // Started first: its offer runs out while the other outcomes are recorded.
        var expiring = await AskingToCancel(RetentionClients.Alpha);

        var client = Ids.Customer();
        var touchpoints = Posted.Select(type => AsPosted(type, client, examples[type])).ToArray();
        // The desk's churn names the request it answers: the one posted just before it.
        touchpoints[Array.IndexOf(Posted, "churned")]["cancellationTouchpointId"] = (string)touchpoints[Array.IndexOf(Posted, "cancellation-requested")]["touchpointId"]!;
        await Host.PostTouchpoints(touchpoints);
        foreach (var touchpoint in touchpoints)
            stored[(string)touchpoint["type"]!] = await StoredEvent.OfTouchpoint(Store, (string)touchpoint["touchpointId"]!);

        var accepting = await AskingToCancel(RetentionClients.Alpha);
        stored["retention-offer-made"] = await Answer(accepting, "retention-offer-accepted", stored);
        var declining = await AskingToCancel(RetentionClients.Alpha);
        await Answer(declining, "retention-offer-declined", stored);
        var beta = await AskingToCancel(RetentionClients.Beta);
        (await RetentionClients.Decision(Host, beta))["decision"]!.GetValue<string>().ShouldBe("no-offer");
        stored["retention-not-offered"] = await StoredEvent.LatestIn(Store, beta, "retention-not-offered");
        stored["cancellation-withdrawn"] = await Withdrawn(beta, examples["cancellation-withdrawn"]);
        stored["retention-offer-expired"] = await Expired(expiring);

        stored["personal-data-erased"] = await Erasure(examples);
        stored["portfolio-model-fitted"] = await Refit(examples["portfolio-model-fitted"]);
        (stored["formula-version-registered"], stored["formula-put-in-force"]) = await Formula(examples);

        // As seed-demo records them (DemoSeeding.RecordAsync, the command's own call).
        await DemoSeeding.RecordAsync(Store, new DemoSeedingStarted(new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero), 6000, 2024), default);
        await DemoSeeding.RecordAsync(Store, new DemoSeedingFinished(DateTimeOffset.UtcNow), default);
        stored["demo-seeding-started"] = await StoredEvent.LatestIn(Store, SystemStreams.DemoSeeding, "demo-seeding-started");
        stored["demo-seeding-finished"] = await StoredEvent.LatestIn(Store, SystemStreams.DemoSeeding, "demo-seeding-finished");
        return stored;
    }

    /// <summary>The catalog's example, posted as a client would: with its type, a customer and a touchpoint id of this run.</summary>
    private static JsonObject AsPosted(string type, string customerId, JsonObject example)
    {
        var body = example.DeepClone().AsObject();
        body["type"] = type;
        body["customerId"] = customerId;
        body["touchpointId"] = Ids.Touchpoint();
        return body;
    }

    private async Task<string> AskingToCancel(Func<Alba.IAlbaHost, Task<string>> client)
    {
        var id = await client(Host);
        await RetentionClients.RequestCancellation(Host, id);
        return id;
    }

    /// <summary>The desk's answer to the client's offer, recorded as the desk does; answers the offer made.</summary>
    private async Task<StoredEvent> Answer(string client, string answer, Dictionary<string, StoredEvent> stored)
    {
        var offerId = (await RetentionClients.Decision(Host, client))["offer"]!["offerId"]!.GetValue<string>();
        var touchpointId = Ids.Touchpoint();
        await Host.PostTouchpoints(Of(answer, client, DateTimeOffset.UtcNow, new { offerId }, touchpointId));
        stored[answer] = await StoredEvent.OfTouchpoint(Store, touchpointId);
        return await StoredEvent.LatestIn(Store, client, "retention-offer-made");
    }

    /// <summary>The desk records that the client, offered nothing, stays: the catalog's example, naming the client's request.</summary>
    private async Task<StoredEvent> Withdrawn(string client, JsonObject example)
    {
        var request = (await RetentionClients.Decision(Host, client))["cancellationTouchpointId"]!.GetValue<string>();
        var body = AsPosted("cancellation-withdrawn", client, example);
        body["cancellationTouchpointId"] = request;
        body["occurredAt"] = DateTimeOffset.UtcNow.ToString("O");
        await Host.PostTouchpoints(body);
        return await StoredEvent.OfTouchpoint(Store, (string)body["touchpointId"]!);
    }

    private async Task<StoredEvent> Expired(string client)
    {
        (await RetentionClients.Decision(Host, client))["decision"]!.GetValue<string>().ShouldBe("offer-made");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Host.TimelineEntries(client)).All(e => e!["type"]!.GetValue<string>() != "retention-offer-expired"))
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"the offer of {client} did not expire within 60 s");
            await Task.Delay(250);
        }
        return await StoredEvent.LatestIn(Store, client, "retention-offer-expired");
    }

    /// <summary>A customer with the catalog's lead and signup, erased by the admin.</summary>
    private async Task<StoredEvent> Erasure(IReadOnlyDictionary<string, JsonObject> examples)
    {
        var person = Ids.Customer();
        await Host.PostTouchpoints(new[] { AsPosted("lead-captured", person, examples["lead-captured"]), AsPosted("signed-up", person, examples["signed-up"]) });
        await Host.PostJson($"/api/customers/{person}/erasure", new { }, 200);
        return await StoredEvent.LatestIn(Store, person, "personal-data-erased");
    }

    /// <summary>
    /// A refit over a base of 24 customers of 2024 (the touchpoints above are dated 2025 or later,
    /// after the refit's asOf, so they do not count): enough buyers and repeat buyers for both fits.
    /// </summary>
    private async Task<StoredEvent> Refit(JsonObject example)
    {
        var touchpoints = new List<object>();
        for (var k = 0; k < 24; k++)
        {
            var id = Ids.Customer();
            var signup = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero).AddDays(k);
            touchpoints.Add(Of("signed-up", id, signup, new { name = $"Base {k}", email = $"base{k}@example.com", segment = k % 3 == 0 ? "enterprise" : "smb", channel = "web", acquisitionCost = 50m }));
            for (var j = 0; j < 1 + k * 7 % 5; j++)
            {
                var amount = 80m + k * 37 % 200 + j * 15;
                var category = (k + j) % 3 == 0 ? "movers" : k % 5 == 0 && j == 0 ? "lifting" : "rollers";
                touchpoints.Add(Purchase(id, signup.AddDays(5 + j * (11 + k * 13 % 17)), amount, Math.Round(amount * 0.3m, 2), category));
            }
            if (k is 3 or 11) touchpoints.Add(Churn(id, signup.AddDays(150)));
        }
        await Host.PostTouchpoints(touchpoints.ToArray());
        await Host.PostJson("/api/models/refit", new { asOf = (string)example["asOf"]! }, 201);
        return await StoredEvent.LatestIn(Store, SystemStreams.PortfolioModel, "portfolio-model-fitted");
    }

    private async Task<(StoredEvent Registered, StoredEvent InForce)> Formula(IReadOnlyDictionary<string, JsonObject> examples)
    {
        var registration = examples["formula-version-registered"];
        await Host.PostJson("/api/formulas", new JsonObject { ["name"] = registration["name"]!.DeepClone(), ["parameters"] = registration["parameters"]!.DeepClone() }, 201);
        var registered = await StoredEvent.LatestIn(Store, SystemStreams.FormulaRegistry, "formula-version-registered");
        var choice = examples["formula-put-in-force"];
        await Host.PostJson("/api/formulas/default", new { formula = $"{choice["name"]}@{choice["version"]}" }, 200);
        return (registered, await StoredEvent.LatestIn(Store, SystemStreams.FormulaRegistry, "formula-put-in-force"));
    }
}
