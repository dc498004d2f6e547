using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Customers;

public sealed record TimelineView(string CustomerId, string? Name, string State, IReadOnlyList<JsonObject> Entries);

/// <summary>
/// The full timeline is folded from the stream at read time: always exactly the events, in
/// business-time order, with read-your-writes for free and nothing to keep in sync on append.
/// </summary>
public static class GetTimelineEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [WolverineGet("/api/customers/{id}/timeline"), Authorize(Policy = Policies.Read)]
    public static async Task<IResult> Get(string id, IQuerySession session, CancellationToken ct)
    {
        var profile = await session.LoadAsync<CustomerProfile>(id, ct);
        if (profile is null) return GetCustomerEndpoint.UnknownCustomer(id);

        var events = await session.Events.FetchStreamAsync(id, token: ct);
        var replayed = Lifecycle.Replay(
            events.Where(e => e.Data is ITouchpoint),
            e => ((ITouchpoint)e.Data).OccurredAt, e => e.Version, e => e.EventTypeName);
        var entries = replayed.Select(r => Entry(r.Item, r.State)).ToList();
        var state = replayed.Count > 0 ? replayed[^1].State : profile.State;
        return Results.Ok(new TimelineView(id, profile.Name, state, entries));
    }

    private static JsonObject Entry(IEvent e, string state)
    {
        var touchpoint = (ITouchpoint)e.Data;
        var entry = new JsonObject
        {
            ["touchpointId"] = touchpoint.TouchpointId,
            ["type"] = TouchpointTypes.NameOf(touchpoint),
            ["occurredAt"] = touchpoint.OccurredAt,
            ["recordedAt"] = e.Timestamp,
            ["state"] = state,
            ["version"] = e.Version,
        };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(e.Data, e.Data.GetType(), Json)!.AsObject())
        {
            if (!entry.ContainsKey(name)) entry[name] = value?.DeepClone();
        }
        return entry;
    }
}
