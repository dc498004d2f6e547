using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Value;
using Wolverine.Http;

namespace EventCrm.Host.Formulas;

/// <summary>Either <c>formula: "name@version"</c> or <c>name</c> and <c>version</c>.</summary>
public sealed record ChooseDefaultFormula(string? Formula, string? Name, int? Version)
{
    /// <summary>
    /// The body read field by field (<see cref="JsonRequestBody"/>): a misspelt field, a version given
    /// as a string, or both forms at once (which one would win?) is a 400 naming the field.
    /// </summary>
    public static async Task<(ChooseDefaultFormula? Command, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, "{formula} or {name, version}", ["formula", "name", "version"], ct);
        if (body is null) return (null, problem);
        var command = new ChooseDefaultFormula(body.Text("formula", ifLeftOut: "give name (and version) instead"),
            body.Text("name", ifLeftOut: "give formula instead"), body.WholeNumber("version", ifLeftOut: "put the latest version of name in force"));
        if (body.Problem() is { } refused) return (null, refused);
        if (command.Formula is not null && (command.Name is not null || command.Version is not null))
            return (null, Problems.Invalid("formula", "must be given alone (\"name@version\"), or name and version instead, not both"));
        if (command.Formula is null && command.Name is null && command.Version is not null)
            return (null, Problems.Invalid("name", "is required with version"));
        // Checked here, not as "name@-1", so that the 400 names the field the client wrote.
        if (command.Version < 0)
            return (null, Problems.Invalid("version", $"'{command.Version}' is not a version: a whole number, 0 or more (0 is the built-in default)"));
        return (command, null);
    }
}

public static class ChooseDefaultFormulaEndpoint
{
    /// <summary>
    /// Puts a registered formula version in force from now on; recorded as an event, so it is known
    /// what was in force when. Choosing the version already in force records nothing: a repeat
    /// would only move the time it is said to be in force since.
    /// </summary>
    [WolverinePost("/api/formulas/default"), Authorize(Policy = Policies.Formulas)]
    [Answers(200, "The formula version now in force; changed false when it was already, and nothing was recorded.", Body = typeof(FormulaChosenView))]
    [Answers(400, "Neither formula nor name, formula with name or version, or another field; nothing changed.")]
    [Answers(404, "The formula or version does not resolve.")]
    public static async Task<IResult> Post(FormulaRegistryStore registry, HttpRequest request, ClaimsPrincipal caller, CancellationToken ct)
    {
        var (command, refused) = await ChooseDefaultFormula.ReadAsync(request, ct);
        if (command is null) return refused!;
        // A name without a version means its latest version, written either way.
        var reference = command.Formula ?? (command.Name is null ? null : command.Version is { } v ? $"{command.Name}@{v}" : command.Name);
        if (reference is null) return Problems.Invalid("formula", "is required, as \"name@version\" (or give name and version)");
        if (FormulaRegistry.Malformed(reference) is { } malformed) return Problems.Invalid("formula", malformed);

        // Decided against the registry as it is when appending: a choice made meanwhile makes it decide again.
        var chosen = await registry.ChangeAsync<FormulaChosenView?>(PostTouchpointsEndpoint.ContextOf(request, caller), r =>
            r.Resolve(reference) is not { } formula ? (null, null)
            : r.AlreadyInForce(formula) is { } inForce ? (View(formula, changed: false, inForce.Since), null)
            : (View(formula, changed: true, since: null), new FormulaPutInForce(formula.Name, formula.Version)), ct);
        if (chosen is null) return Problems.NotFound($"No formula '{reference}' is registered; see GET /api/formulas.");
        return Results.Ok(chosen.Changed ? chosen with { Since = await RecordedAtAsync(registry, chosen, ct) } : chosen);
    }

    // The recording time is the database's: read back from the registry, which holds the choice now.
    private static async Task<DateTimeOffset?> RecordedAtAsync(FormulaRegistryStore registry, FormulaChosenView chosen, CancellationToken ct) =>
        (await registry.LoadAsync(ct)).Choices.LastOrDefault(c => c.Formula.Name == chosen.Name && c.Formula.Version == chosen.Version)?.Since;

    private static FormulaChosenView View(FormulaChoice formula, bool changed, DateTimeOffset? since) =>
        new(formula.Name, formula.Version, formula.Parameters, changed, since);
}
