using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The answers of each operation in the OpenAPI document, as docs/api.md gives them. Wolverine
/// lists only 200 and 404 for every route (and, for one that returns IResult, an empty IResult
/// schema), so a generated client took a 201, a 202 or any documented refusal for an unexpected
/// answer. Here each operation lists the <see cref="AnswersAttribute"/>s of its endpoint, plus
/// the answers every route shares by rule; every 4xx and 5xx refers to one ProblemDetails schema.
/// A typed success keeps the schema Wolverine gave it; an IResult's success has the schema of the
/// type its <see cref="AnswersAttribute.Body"/> names, in the components like a typed one's. Registered after
/// <see cref="RequestBodiesInOpenApi"/>, whose bodies tell which routes can meet the 413. The other parts of the
/// document a client generator relies on are each described by their own transformer, registered in Program:
/// <see cref="NumbersInOpenApi"/>, <see cref="FieldsLeftOutInOpenApi"/>, <see cref="WordsInOpenApi"/>,
/// <see cref="PagesInOpenApi"/>, Customers.TimelineEntriesInOpenApi and Access.ApiKeyInOpenApi.
/// </summary>
public static class ResponsesInOpenApi
{
    private const string ProblemSchemaId = "ProblemDetails";
    private const string ProblemMediaType = "application/problem+json";

    // The marks ASP.NET's schema generation leaves on a schema (Microsoft.AspNetCore.OpenApi's OpenApiConstants).
    private const string SchemaIdKey = "x-schema-id";
    private const string NullablePropertyKey = "x-is-nullable-property";

    public static void Describe(OpenApiOptions options)
    {
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var declared = metadata.OfType<AnswersAttribute>().ToDictionary(a => a.Status);
            var typedSuccess = TypedSuccessSchema(operation);

            var responses = new OpenApiResponses();
            foreach (var answer in Shared(operation, metadata, context.Description.RelativePath).Where(a => !declared.ContainsKey(a.Status)).Concat(declared.Values).OrderBy(a => a.Status))
                responses[answer.Status.ToString()] = answer.Status >= 400
                    ? Refusal(answer, context.Document!)
                    : Success(answer, answer.Body is { } body ? await BodySchemaAsync(body, options, context, ct)
                        : answer.Status == StatusCodes.Status200OK ? typedSuccess : null);
            operation.Responses = responses;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            // Wolverine's placeholder for "some IResult": no answer refers to it any more.
            document.Components?.Schemas?.Remove("IResult");
            return Task.CompletedTask;
        });
    }

    /// <summary>The 400 of every <c>/api</c> route: its query string (<see cref="StrictQueryStrings"/>).</summary>
    public const string QueryNotTaken = "A query parameter the route does not take, or one of one value given twice; errors names it.";

    /// <summary>The 400 of a route that takes no body (<see cref="TakesNoBodyAttribute"/>), since 2026-12-07 (evening) said with its query string's.</summary>
    public const string QueryOrBodyNotTaken = "A query parameter the route does not take, or one of one value given twice (errors names it); " +
        "or a body, which this route does not take ({\"dryRun\": true}, anything but nothing or {}: errors.body); nothing was done.";

    /// <summary>The 415 of every <c>/api</c> route (<see cref="RequestBodyRules"/>), a body or not.</summary>
    public const string UnsupportedCoding = "The request was sent with a Content-Encoding other than identity (gzip, br): send the body uncompressed; nothing was read.";

    /// <summary>
    /// What every route may answer besides its own statuses (docs/api.md, its first section and "Access", and
    /// docs/reliability.md), each where the middleware that answers it runs: the one place they are listed.
    /// </summary>
    private static IEnumerable<AnswersAttribute> Shared(OpenApiOperation operation, IList<object> metadata, string? path)
    {
        var api = path?.StartsWith("api/", StringComparison.Ordinal) == true;
        // Query strings are read strictly on every API route (StrictQueryStrings), and a route that takes no body refuses one
        // (RequestBodyRules): both are this route's 400 unless it declares its own.
        if (api)
            yield return new(StatusCodes.Status400BadRequest, metadata.OfType<TakesNoBodyAttribute>().Any() ? QueryOrBodyNotTaken : QueryNotTaken);
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            yield return new(StatusCodes.Status401Unauthorized, "No API key in X-Api-Key, or an unknown or revoked one (WWW-Authenticate names the header).");
            // A route any key may use ([Authorize] alone, GET /api/keys/me) refuses no role.
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null))
                yield return new(StatusCodes.Status403Forbidden, "The key's roles do not allow this route.");
            // The access limits (UnknownKeyLimit, KeyRates): only where a key is read.
            yield return new(StatusCodes.Status429TooManyRequests,
                "Too many unknown keys from this address, or more requests than Auth:RequestsPerSecondPerKey for this key: nothing was done; send it again after Retry-After seconds.");
        }
        if (operation.RequestBody is not null)
            yield return new(StatusCodes.Status413PayloadTooLarge, "The body is over 4 MB; nothing was read further.");
        // RequestLineAndHeaderLimits runs first, on every request the service gets.
        yield return new(StatusCodes.Status414UriTooLong,
            $"The request line is over {RequestLineAndHeaderLimits.MaxRequestLineBytes / 1024} KB (a search or filter too long for an address); nothing was done.");
        // RequestBodyRules reads the Content-Encoding of every /api request, whether its route takes a body or not.
        if (api)
            yield return new(StatusCodes.Status415UnsupportedMediaType, UnsupportedCoding);
        yield return new(StatusCodes.Status431RequestHeaderFieldsTooLarge,
            $"The request's headers are over {RequestLineAndHeaderLimits.MaxHeadersBytes / 1024} KB; nothing was done.");
        yield return new(StatusCodes.Status503ServiceUnavailable,
            "The database is unavailable: send the same request again after Retry-After seconds.");
    }

    private static OpenApiResponse Success(AnswersAttribute answer, IOpenApiSchema? typedSchema) => new()
    {
        Description = answer.Description,
        Content = answer.MediaTypes.ToDictionary(type => type, type => new OpenApiMediaType
        {
            Schema = type == "application/json" ? typedSchema : null,
        }),
        Headers = answer.Location is null ? null : new Dictionary<string, IOpenApiHeader>
        {
            ["Location"] = new OpenApiHeader { Description = answer.Location, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        },
    };

    private static OpenApiResponse Refusal(AnswersAttribute answer, OpenApiDocument document) => new()
    {
        Description = answer.Description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemMediaType] = new() { Schema = ProblemSchema(document) },
        },
        Headers = answer.Status switch
        {
            StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable => new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before sending the same request again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                },
            },
            StatusCodes.Status401Unauthorized => new Dictionary<string, IOpenApiHeader>
            {
                ["WWW-Authenticate"] = new OpenApiHeader
                {
                    Description = "The challenge (RFC 9110 §11.6.1): the API key's scheme and header, " + ApiKeyAuthentication.Challenge + ".",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
            _ => null,
        },
    };

    /// <summary>
    /// The schema of a body an endpoint passes to Results.Ok (or Created, Accepted, Json), made as
    /// ASP.NET makes a typed return value's: by the JSON options the answer is written with, put
    /// in the components under the id ASP.NET gives the type and referred to from the answer.
    /// </summary>
    private static async Task<IOpenApiSchema> BodySchemaAsync(Type type, OpenApiOptions options, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, null, ct);
        var document = context.Document!;
        ReferToNestedTypes(schema, document);
        var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (options.CreateSchemaReferenceId(json.GetTypeInfo(type)) is not { } id) return schema;

        if (document.Components?.Schemas?.ContainsKey(id) != true) document.AddComponent<IOpenApiSchema>(id, schema);
        return new OpenApiSchemaReference(id, document);
    }

    /// <summary>
    /// The schemas of the types a body holds (the value's formula, a page's items) are inline in
    /// the one GetOrCreateSchemaAsync gives, marked with the id ASP.NET gives their type: each goes
    /// in the components once and is referred to, as in a typed return value's schema; a nullable
    /// property refers to it through oneOf null or it, as ASP.NET writes one.
    /// </summary>
    private static void ReferToNestedTypes(OpenApiSchema schema, OpenApiDocument document)
    {
        if (schema.Properties is not null)
            foreach (var (name, property) in schema.Properties.ToList())
            {
                var referred = Referred(property, document);
                schema.Properties[name] = referred is OpenApiSchemaReference && property is OpenApiSchema { Metadata: { } metadata }
                                          && metadata.TryGetValue(NullablePropertyKey, out var nullable) && nullable is true
                    ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, referred] }
                    : referred;
            }
        if (schema.Items is not null) schema.Items = Referred(schema.Items, document);
        if (schema.AdditionalProperties is not null) schema.AdditionalProperties = Referred(schema.AdditionalProperties, document);
        foreach (var list in new[] { schema.AnyOf, schema.OneOf, schema.AllOf })
            for (var i = 0; i < (list?.Count ?? 0); i++) list![i] = Referred(list[i], document);
    }

    private static IOpenApiSchema Referred(IOpenApiSchema nested, OpenApiDocument document)
    {
        if (nested is not OpenApiSchema schema) return nested;
        ReferToNestedTypes(schema, document);
        if (schema.Metadata?.TryGetValue(SchemaIdKey, out var mark) != true || mark is not string { Length: > 0 } id) return schema;
        if (document.Components?.Schemas?.ContainsKey(id) != true) document.AddComponent<IOpenApiSchema>(id, schema);
        return new OpenApiSchemaReference(id, document);
    }

    /// <summary>The schema Wolverine derived from a typed return value (none from an IResult).</summary>
    private static IOpenApiSchema? TypedSuccessSchema(OpenApiOperation operation)
    {
        if (operation.Responses?.GetValueOrDefault("200")?.Content is not { } content
            || !content.TryGetValue("application/json", out var json) || json.Schema is not { } schema) return null;
        return schema is OpenApiSchemaReference { Reference.Id: "IResult" } ? null : schema;
    }

    /// <summary>The RFC 7807 problem every refusal of the API is (docs/api.md, first paragraph).</summary>
    private static OpenApiSchemaReference ProblemSchema(OpenApiDocument document)
    {
        if (document.Components?.Schemas?.ContainsKey(ProblemSchemaId) != true)
            document.AddComponent<IOpenApiSchema>(ProblemSchemaId, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "An RFC 7807 problem document.",
                Required = new HashSet<string> { "title", "status", "detail" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = Text("the RFC 9110 section of the status"),
                    ["title"] = Text("the kind of problem"),
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "the HTTP status, the same as the answer's" },
                    ["detail"] = Text("what happened, for a person to read"),
                    ["traceId"] = Text("the request's trace id, for the service's log"),
                    ["parameter"] = Text("for a query or route value that does not read as its parameter's type (page=abc): the parameter's name, as errors keys it"),
                    ["errors"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = "when fields or items are at fault: by field (amount), array item and field ([3].amount), or item ([3]), what is wrong with it",
                        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    },
                },
            });
        return new OpenApiSchemaReference(ProblemSchemaId, document);
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
