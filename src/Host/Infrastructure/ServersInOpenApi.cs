using Microsoft.AspNetCore.OpenApi;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// No <c>servers</c> in the OpenAPI document (docs/api.md, "OpenAPI"): ASP.NET filled it from the request's Host
/// header, so that <c>Host: evil.example</c> got <c>"servers":[{"url":"http://evil.example/"}]</c>, a document that
/// may be cached sending the clients generated from it elsewhere. Without it the paths are relative to wherever the
/// document was read (the OpenAPI specification's default, a server of "/").
/// </summary>
public static class ServersInOpenApi
{
    public static void Describe(OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Servers = null;
        return Task.CompletedTask;
    });
}
