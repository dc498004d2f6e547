using EventCrm.Relationship.Value;
using EventCrm.Host.Access;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Values;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Replays;

public sealed record StartReplay(string? Formula, string? AsOf)
{
    public static async Task<(StartReplay? Command, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, "{formula, asOf}", ["formula", "asOf"], ct);
        if (body is null) return (null, problem);
        var command = new StartReplay(body.Text("formula"), body.Text("asOf", ifLeftOut: "replay as of now"));
        return body.Problem() is { } refused ? (null, refused) : (command, null);
    }
}

/// <summary>A replay asked for: its id (and Location), its state, and whether this request started it.</summary>
public sealed record ReplayStarted(string Id, [property: Words(typeof(ReplayStates))] string State, bool IsNew);

public static class StartReplayEndpoint
{
    /// <summary>Starts (or finds) a replay of the whole log under a formula: 202 with its id; it runs in the background.</summary>
    [WolverinePost("/api/replays"), Authorize(Policy = Policies.Replays)]
    [Answers(202, "The replay was started, or is the same as one already asked for (isNew false).", Body = typeof(ReplayStarted),
        Location = "the replay: /api/replays/{id}")]
    [Answers(400, "No formula, one not of the form name@version, an asOf of no documented form or after today, or another field; errors names it.")]
    [Answers(404, "An unknown formula.")]
    [Answers(503, "The database is unavailable, or Replays:MaxUnfinished replays are unfinished: ask again after Retry-After seconds; nothing was started.")]
    public static async Task<IResult> Post(HttpRequest http, IDocumentSession session, IMessageBus bus, ReplayRequests replays, TimeProvider clock, CancellationToken ct)
    {
        var (request, refused) = await StartReplay.ReadAsync(http, ct);
        if (request is null) return refused!;
        if (string.IsNullOrWhiteSpace(request.Formula)) return Problems.Invalid("formula", "is required, as \"name@version\"");
        if (FormulaRegistry.Malformed(request.Formula) is { } malformed) return Problems.Invalid("formula", malformed);
        DateTimeOffset? asOf = null;
        if (request.AsOf is not null)
        {
            if (Moments.PastRefusal("asOf", request.AsOf, clock.GetUtcNow(), out var parsed) is { } badAsOf) return badAsOf;
            asOf = parsed;
        }
        var (registry, _) = await FormulaRegistryStore.LoadAsync(session, ct);
        if (registry.Resolve(request.Formula) is not { } formula)
            return Problems.NotFound($"No formula '{request.Formula}' is registered; see GET /api/formulas.");

        var (run, isNew) = await replays.StartAsync(session, formula, asOf, ct);
        if (isNew) await bus.PublishAsync(new RunReplay(run.Id));
        http.HttpContext.Response.Headers.Location = $"/api/replays/{Uri.EscapeDataString(run.Id)}";
        return Results.Json(new ReplayStarted(run.Id, run.State, isNew), statusCode: StatusCodes.Status202Accepted);
    }
}

public static class GetReplayEndpoint
{
    [WolverineGet("/api/replays/{id}"), Authorize(Policy = Policies.Replays)]
    [Answers(200, "The replay's progress and state.", Body = typeof(ReplayView))]
    [Answers(404, "An unknown replay.")]
    public static async Task<IResult> Get(string id, IQuerySession session, TimeProvider clock, CancellationToken ct) =>
        await session.LoadAsync<ReplayRun>(id, ct) is { } run ? Results.Ok((await ReplayView.OfAsync([run], session, clock.GetUtcNow(), ct))[0]) : UnknownReplay(id);

    public static IResult UnknownReplay(string id) => Problems.NotFound($"No replay '{id}'.");
}
