using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventCrm.Host.Access;

/// <summary>
/// The API key in the OpenAPI document (docs/api.md, "Access"): one <c>apiKey</c> security scheme, the
/// <see cref="ApiKeyAuthentication.Header"/> header, required by every operation whose endpoint is not
/// anonymous (<c>/health</c>; <c>/openapi/v1.json</c> is not in the document). Without it a generated
/// client sent no key and met a 401 on every route.
/// </summary>
public static class ApiKeyInOpenApi
{
    public static void Describe(OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
        var document = context.Document!;
        if (document.Components?.SecuritySchemes?.ContainsKey(ApiKeyAuthentication.SchemeName) != true)
            document.AddComponent<IOpenApiSecurityScheme>(ApiKeyAuthentication.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "An API key (POST /api/keys, or the bootstrap Auth:AdminKey); its roles decide the routes it may use.",
            });
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, document)] = [] }];
        return Task.CompletedTask;
    });
}
