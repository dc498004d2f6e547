using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace EventCrm.Browser.Tests.Support;

/// <summary>
/// The service's JSON answers as they are but for the text customers are given: every email (and segment, when told) the
/// one given, and every customer's name (in an object with its id or email). The seed stays as other scenarios read it.
/// </summary>
public static class CustomerTextAnswers
{
    public static Task Give(IPage page, string name, string email, string? segment = null) => page.RouteAsync("**/api/**", async route =>
    {
        var response = await route.FetchAsync();
        if (!(response.Headers.TryGetValue("content-type", out var type) && type.Contains("json")))
        {
            await route.FulfillAsync(new() { Response = response });
            return;
        }
        var body = JsonNode.Parse(await response.TextAsync());
        Replace(body, name, email, segment);
        await route.FulfillAsync(new() { Response = response, Body = body?.ToJsonString() });
    });

    private static void Replace(JsonNode? node, string name, string email, string? segment)
    {
        switch (node)
        {
            case JsonObject o:
                var aCustomer = o.ContainsKey("customerId") || o.ContainsKey("email");
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is JsonValue v && v.TryGetValue<string>(out _))
                        o[key] = key switch
                        {
                            "name" when aCustomer => name, "email" => email, "segment" when segment is not null => segment, _ => o[key]!.DeepClone(),
                        };
                    else Replace(o[key], name, email, segment);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Replace(item, name, email, segment);
                break;
        }
    }
}
