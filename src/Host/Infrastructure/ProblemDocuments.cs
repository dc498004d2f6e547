using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Writes every problem of the API as <c>application/problem+json</c>, whatever the request's
/// <c>Accept</c> header says (docs/api.md): the RFC 9110 type and title of its status when it has
/// none, a <c>traceId</c>, then <see cref="FrameworkProblems.Customize"/>. ASP.NET Core's own writer
/// declines unless <c>Accept</c> admits JSON; a client asking for CSV (the export), a page or XML
/// then got the status code pages' text ("Status Code: 405; Method Not Allowed"), and every
/// <c>Results.Problem</c> (ours, Wolverine's, the exception handler's) a document written without
/// the customization: no <c>traceId</c>, Wolverine's raw 400 for a query value. An error has no
/// other form to be given in, so it is given in the one every other error has.
/// </summary>
public sealed class ProblemDocuments(IOptions<ProblemDetailsOptions> problems, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public const string MediaType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        if (problem.Type is null || problem.Title is null)
        {
            // The framework's own table of RFC 9110 sections and titles, as Results.Problem applies it.
            var defaults = TypedResults.Problem(statusCode: problem.Status).ProblemDetails;
            problem.Type ??= defaults.Type;
            problem.Title ??= defaults.Title;
        }
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        var serializer = json.Value.SerializerOptions;
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, serializer.GetTypeInfo(problem.GetType()), MediaType));
    }
}

public static class ProblemDocumentsRegistration
{
    /// <summary>
    /// <see cref="ProblemDocuments"/> first among the problem writers: <see cref="IProblemDetailsService"/>
    /// asks them in the order they were registered, and the first that can write does, so ASP.NET
    /// Core's own (registered by AddProblemDetails, here or by any library) is never asked.
    /// </summary>
    public static IServiceCollection AddProblemDocuments(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = FrameworkProblems.Customize);
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemDocuments>());
        return services;
    }
}
