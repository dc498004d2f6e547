using EventCrm.Relationship.Value;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using Wolverine.Http;

namespace EventCrm.Host.Models;

public sealed record RefitModel(DateTimeOffset? AsOf)
{
    /// <summary>
    /// The body read field by field (<see cref="JsonRequestBody"/>): a misspelt <c>as_of</c> would
    /// otherwise be dropped and a refit as of now recorded in its place. No body reads as <c>{}</c>.
    /// </summary>
    /// <remarks>
    /// <c>asOf</c> is read as every other moment of the API (<see cref="Values.Moments"/>, as the
    /// clv-refit command reads it): a bare date is the end of that day, UTC, a time without an offset
    /// is UTC, and a day to come is refused. Until 2026-12-06 a bare date was the start of that day,
    /// and a time without an offset was read in the server's time zone.
    /// </remarks>
    public static async Task<(RefitModel? Command, IResult? Problem)> ReadAsync(HttpRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, "{asOf}", ["asOf"], ct, noBodyIsEmpty: true);
        if (body is null) return (null, problem);
        var asOf = body.Moment("asOf", (string text, out DateTimeOffset moment) => Values.Moments.PastProblem(text, now, out moment),
            ifLeftOut: "fit as of now");
        // Today's date (its end, still to come) is now: the model cannot know what the rest of the day brings.
        var command = new RefitModel(asOf > now ? now : asOf);
        return body.Problem() is { } refused ? (null, refused) : (command, null);
    }
}

public static class RefitModelEndpoint
{
    /// <summary>Refits BG/NBD, Gamma-Gamma, retention, benchmarks and category associations over the whole base.</summary>
    [WolverinePost("/api/models/refit"), Authorize(Policy = Policies.Models)]
    [Answers(201, "The portfolio model was fitted.", Body = typeof(ModelView), Location = "the model in force: /api/models/current")]
    [Answers(400, "Another field, an asOf that is not a date and time, or one after today; nothing was fitted.")]
    [Answers(422, "No purchase had occurred by asOf (no customers then, or none who bought): nothing was fitted nor put in force; errors names asOf.")]
    [Answers(503, "The database is unavailable, or a refit is running on this node (the detail says since when): ask again after Retry-After seconds; nothing was fitted nor recorded.")]
    public static async Task<IResult> Post(PortfolioRefit refit, PortfolioModels models, RefitTurn turn, TimeProvider clock, HttpRequest request,
        ClaimsPrincipal caller, CancellationToken ct)
    {
        var (command, refused) = await RefitModel.ReadAsync(request, clock.GetUtcNow(), ct);
        if (command is null) return refused!;
        using var ours = turn.TryTake(out var runningSince);
        if (ours is null) return Busy(request.HttpContext.Response, runningSince);
        PortfolioModelFitted fitted;
        try
        {
            fitted = await refit.RunAsync(command.AsOf, PostTouchpointsEndpoint.ContextOf(request, caller), ct);
        }
        catch (RefitOnNoPurchaseException e)
        {
            return Problems.Unprocessable($"asOf: {e.Message}", "Nothing to fit", new Dictionary<string, string[]> { ["asOf"] = [e.Message] });
        }
        var recorded = await models.KnownAtAsync(null, ct);
        return Results.Created("/api/models/current", ModelView.Of(fitted, recorded.FittedAt));
    }

    private static IResult Busy(HttpResponse response, DateTimeOffset runningSince)
    {
        response.Headers.RetryAfter = RefitTurn.RetryAfterSeconds.ToString();
        return Problems.Unavailable(
            $"A refit has been running on this node since {runningSince:O}, and this service runs one at a time: it puts in force a model " +
            $"fitted over the log as it is. Ask again in {RefitTurn.RetryAfterSeconds} seconds if you need another; nothing was fitted nor recorded.",
            "Service busy");
    }
}

/// <summary>The model in force: when it was fitted (recorded), as of which business time, and its figures.</summary>
public sealed record CurrentModelView(DateTimeOffset? FittedAt, DateTimeOffset? AsOf, PortfolioModel Model);

public static class GetCurrentModelEndpoint
{
    [WolverineGet("/api/models/current"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The last refit recorded at or before knownAt.", Body = typeof(CurrentModelView))]
    [Answers(400, "An unparseable knownAt, or one after today.")]
    [Answers(404, "No model had been fitted by knownAt.")]
    public static async Task<IResult> Get(PortfolioModels models, string? knownAt, TimeProvider clock, CancellationToken ct)
    {
        DateTimeOffset? moment = null;
        if (knownAt is not null)
        {
            if (Values.Moments.PastRefusal("knownAt", knownAt, clock.GetUtcNow(), out var parsed) is { } refused) return refused;
            moment = parsed;
        }
        var known = await models.KnownAtAsync(moment, ct);
        if (known.FittedAt is not null) return Results.Ok(new CurrentModelView(known.FittedAt, known.AsOf, known.Model));
        return moment is { } at && await models.FirstFittedAtAsync(ct) is { } first
            ? Problems.NotFound($"No model had been fitted by knownAt {at:O}: the first was fitted at {first:O}.")
            : Problems.NotFound("No model has been fitted yet: POST /api/models/refit or run the clv-refit command.");
    }
}
