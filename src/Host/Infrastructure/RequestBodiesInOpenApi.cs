using System.Text.Json.Nodes;
using EventCrm.Host.Access;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Host.Values;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Routes that read their JSON body field by field (<see cref="JsonRequestBody"/>, so that a typo is
/// refused rather than dropped) take no body parameter the OpenAPI document could describe: their
/// bodies are described here, as strictly as they are read (no other field, numbers as numbers).
/// </summary>
public static class RequestBodiesInOpenApi
{
    private static readonly Dictionary<(string Method, string Path), Func<OpenApiSchema>> Bodies = new()
    {
        [("POST", "api/formulas")] = () => Body(["name"],
            ("name", Text("the formula: simple-clv, waland-cole, retention-ltv or bgnbd-gg")),
            ("parameters", new OpenApiSchema
            {
                Type = JsonSchemaType.Object, Description = "the version's parameters by name (docs/value.md)",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Number, Format = NumbersInOpenApi.DecimalFormat },
            })),
        [("POST", "api/replays")] = () => Body(["formula"],
            ("formula", Text("name@version, e.g. simple-clv@2")),
            ("asOf", Moment("the business time to replay to; default now"))),
        [("POST", "api/formulas/default")] = () => Body([],
            ("formula", Text("name@version, or a bare name for its latest version; or give name and version instead")),
            ("name", Text("the formula's name (with version, instead of formula)")),
            ("version", new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "the version (absent: the latest)" })),
        [("POST", "api/models/refit")] = () => Body([],
            ("asOf", Moment("the business time to fit as of; default now. The body may be absent"))),
        [("POST", "api/keys")] = () => Body(["name", "roles"],
            ("name", Text("the key's name, at most 200 characters")),
            ("roles", new OpenApiSchema
            {
                Type = JsonSchemaType.Array, Description = "one or more of ingest, desk, auditor, data, admin",
                Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. WordsAttribute.Of(typeof(Roles)).Select(role => (JsonNode)JsonValue.Create(role))] },
            })),
        [("POST", "api/audit/anchor/verify")] = () => Body(["databases"],
            ("takenAt", Moment("when the anchor was taken, as GET /api/audit/anchor gave it (optional)")),
            ("databases", new OpenApiSchema
            {
                Type = JsonSchemaType.Array, Description = "each database's anchor, as GET /api/audit/anchor gave them",
                Items = Body(["database", "sequence", "seals", "digest"],
                    ("database", Text("default, or db0, db1, ... with Tenancy:Databases")),
                    ("sequence", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "the digest covers the seals of the events numbered up to this one" }),
                    ("seals", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "how many seals that is" }),
                    ("digest", Text("SHA-256 of the seals' lines, 64 hexadecimal characters"))),
            })),
    };

    /// <summary>Routes whose body may be left out (read as <c>{}</c>).</summary>
    private static readonly HashSet<(string Method, string Path)> MayBeLeftOut = [("POST", "api/models/refit")];

    public static void Describe(OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        var route = (context.Description.HttpMethod ?? "", context.Description.RelativePath ?? "");
        if (operation.RequestBody is not null) return Task.CompletedTask;
        if (Bodies.TryGetValue(route, out var body))
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = !MayBeLeftOut.Contains(route),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = body() } },
            };
        else if (route == ("POST", "api/touchpoints"))
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = Touchpoints() } },
            };
        else if (route == ("POST", "api/imports"))
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["text/csv"] = new() { Schema = Text("a CSV history file: a header, then a touchpoint a row (docs/import.md); at most 256 MB") },
                },
            };
        return Task.CompletedTask;
    });

    /// <summary>
    /// POST /api/touchpoints: one touchpoint or an array of up to <see cref="PostTouchpointsEndpoint.MaxBatchSize"/>. The
    /// fields every touchpoint has are declared; those of its type (docs/api.md, the table of POST /api/touchpoints)
    /// are allowed beside them, since they vary with the type. The service's own types cannot be sent.
    /// </summary>
    private static OpenApiSchema Touchpoints()
    {
        OpenApiSchema Touchpoint() => new()
        {
            Type = JsonSchemaType.Object,
            Description = "the fields every touchpoint has, then those of its type (docs/api.md, POST /api/touchpoints)",
            Required = new HashSet<string> { "type", "customerId", "touchpointId", "occurredAt" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. WordsAttribute.Of(typeof(TouchpointTypes)).Except(TouchpointTypes.RecordedByTheService).Select(type => (JsonNode)JsonValue.Create(type))],
                },
                ["customerId"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = TouchpointReader.MaxCustomerIdLength },
                ["touchpointId"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = TouchpointReader.MaxTouchpointIdLength },
                ["occurredAt"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Pattern = TouchpointFields.TimestampPattern,
                    Description = "when it happened, an ISO 8601 date and time with its offset (Z or ±HH:mm)",
                },
            },
            AdditionalPropertiesAllowed = true,
        };
        return new OpenApiSchema
        {
            OneOf =
            [
                Touchpoint(),
                new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, MaxItems = PostTouchpointsEndpoint.MaxBatchSize, Items = Touchpoint() },
            ],
        };
    }

    private static OpenApiSchema Body(string[] required, params (string Name, OpenApiSchema Schema)[] fields) => new()
    {
        Type = JsonSchemaType.Object,
        Required = required.ToHashSet(),
        Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)f.Schema),
        AdditionalPropertiesAllowed = false,
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    /// <summary>
    /// A moment as <see cref="Moments"/> reads it. Not <c>format: date-time</c>: a validating client refused the
    /// documented bare date (<c>2026-12-06</c>) and a date and time without an offset, which RFC 3339 does not have.
    /// </summary>
    private static OpenApiSchema Moment(string description) => new()
    {
        Type = JsonSchemaType.String,
        Pattern = Moments.Pattern,
        Description = $"{description}: {Moments.Forms}",
    };
}
