using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Value;
using Wolverine.Http;

namespace EventCrm.Host.Formulas;

public sealed record RegisterFormula(string? Name, Dictionary<string, decimal>? Parameters)
{
    public static async Task<(RegisterFormula? Command, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, "{name, parameters}", ["name", "parameters"], ct);
        if (body is null) return (null, problem);
        var command = new RegisterFormula(body.Text("name"), body.Numbers("parameters", ifLeftOut: "register the formula with no explicit parameter"));
        return body.Problem() is { } refused ? (null, refused) : (command, null);
    }
}

public static class RegisterFormulaEndpoint
{
    /// <summary>
    /// Registers a new immutable version of a formula's parameters: 201 with its version number.
    /// The same parameters as the latest version of that name answer that version (200) and record
    /// nothing, so a retried registration does not leave two identical versions behind.
    /// </summary>
    [WolverinePost("/api/formulas"), Authorize(Policy = Policies.FormulaVersions)]
    [Answers(201, "The formula version was registered (not yet in force).", Body = typeof(FormulaView), Location = "the version: /api/formulas/{name}@{version}")]
    [Answers(200, "The latest version of that name holds exactly these parameters: it is answered, and nothing was registered.", Body = typeof(FormulaView), Location = "the version: /api/formulas/{name}@{version}")]
    [Answers(400, "A missing or unknown name, an unknown parameter, a value out of range or of the wrong kind, or parameters that fail on the probe customer; nothing was registered.")]
    public static async Task<IResult> Post(FormulaRegistryStore registry, HttpRequest request, ClaimsPrincipal caller, CancellationToken ct)
    {
        var (command, refused) = await RegisterFormula.ReadAsync(request, ct);
        if (command is null) return refused!;
        if (string.IsNullOrWhiteSpace(command.Name))
            return Problems.Invalid("name", $"is required; one of {string.Join(", ", FormulaChoice.Names)}");
        if (!FormulaChoice.Names.Contains(command.Name))
            return Problems.Invalid("name", $"'{command.Name}' is not a formula; one of {string.Join(", ", FormulaChoice.Names)}");
        var parameters = command.Parameters ?? [];
        try
        {
            CurrentValue.Validate(command.Name, parameters);
        }
        catch (FormulaParameterException e)
        {
            return Problems.Invalid(e.Parameter is { } parameter ? $"parameters.{parameter}" : "parameters", e.Message);
        }
        catch (ArithmeticException)
        {
            return Problems.Invalid("parameters", "are out of range: the formula overflows with these values");
        }

        // Decided against the registry as it is when appending: a twin registered meanwhile is found.
        var (registered, isNew) = await registry.ChangeAsync(PostTouchpointsEndpoint.ContextOf(request, caller), r =>
        {
            if (r.LatestRegisteredWith(command.Name, parameters) is { } twin)
                return ((new FormulaView(twin.Name, twin.Version, twin.Parameters), false), null);
            var version = r.NextVersion(command.Name);
            return ((new FormulaView(command.Name, version, parameters), true), new FormulaVersionRegistered(command.Name, version, parameters));
        }, ct);
        var location = $"/api/formulas/{registered.Name}@{registered.Version}";
        if (isNew) return Results.Created(location, registered);
        request.HttpContext.Response.Headers.Location = location;
        return Results.Ok(registered);
    }
}
