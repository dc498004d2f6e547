using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using Wolverine.Http;

namespace EventCrm.Host.Models;

public sealed record RefitModel(DateTimeOffset? AsOf);

public static class RefitModelEndpoint
{
    /// <summary>Refits BG/NBD, Gamma-Gamma, retention, benchmarks and category associations over the whole base.</summary>
    [WolverinePost("/api/models/refit"), Authorize(Policy = Policies.Models)]
    public static async Task<IResult> Post(RefitModel? command, PortfolioRefit refit, PortfolioModels models, TimeProvider clock, HttpRequest request,
        ClaimsPrincipal caller, CancellationToken ct)
    {
        if (command?.AsOf > clock.GetUtcNow()) return Problems.Invalid("asOf", "must not be in the future");
        var fitted = await refit.RunAsync(command?.AsOf, PostTouchpointsEndpoint.ContextOf(request, caller), ct);
        var recorded = await models.KnownAtAsync(null, ct);
        return Results.Created("/api/models/current", ModelView.Of(fitted, recorded.FittedAt));
    }
}

public static class GetCurrentModelEndpoint
{
    [WolverineGet("/api/models/current"), Authorize(Policy = Policies.Read)]
    public static async Task<IResult> Get(PortfolioModels models, string? knownAt, CancellationToken ct)
    {
        DateTimeOffset? moment = null;
        if (knownAt is not null)
        {
            if (Values.Moments.Refusal("knownAt", knownAt, out var parsed) is { } refused) return refused;
            moment = parsed;
        }
        var known = await models.KnownAtAsync(moment, ct);
        if (known.FittedAt is not null) return Results.Ok(new { known.FittedAt, known.AsOf, known.Model });
        return moment is { } at && await models.FirstFittedAtAsync(ct) is { } first
            ? Problems.NotFound($"No model had been fitted by knownAt {at:O}: the first was fitted at {first:O}.")
            : Problems.NotFound("No model has been fitted yet: POST /api/models/refit or run the clv-refit command.");
    }
}
