using Microsoft.AspNetCore.Routing;
using Wolverine.Http;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// HTTP requires a server to answer HEAD wherever it answers GET (RFC 9110, 9.1): uptime checks and
/// load balancers probe /health that way, and every such probe was a 405. A GET route takes HEAD
/// too; Kestrel sends the GET's status and headers and leaves the body out.
/// </summary>
public static class HeadAnswersAsGet
{
    private static readonly HttpMethodMetadata GetAndHead = new([HttpMethods.Get, HttpMethods.Head]);

    public static void AnswerHeadAsGet(this WolverineHttpOptions options) => options.ConfigureEndpoints(chain =>
    {
        if (chain.HttpMethods.Contains(HttpMethods.Get)) chain.Add(endpoint => endpoint.Metadata.Add(GetAndHead));
    });

    /// <summary>The same for a route mapped outside Wolverine (the OpenAPI document).</summary>
    public static TBuilder AnswerHeadAsGet<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(GetAndHead);
}
