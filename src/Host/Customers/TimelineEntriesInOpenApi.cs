using System.Text.Json.Nodes;
using EventCrm.Relationship;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventCrm.Host.Customers;

/// <summary>
/// A timeline line in the OpenAPI document. <see cref="TimelineEntryWriter"/> writes it by hand, so ASP.NET gave
/// <c>entries</c> no items at all (<c>{"type": "array"}</c>): the fields every line has, required, then the
/// touchpoint's own fields, which vary with its type (docs/api.md, the touchpoint table), allowed beside them.
/// </summary>
public static class TimelineEntriesInOpenApi
{
    // ASP.NET leaves a converter's type out of the array's schema (no items): the list's schema is given its items here.
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (typeof(IEnumerable<TimelineEntry>).IsAssignableFrom(context.JsonTypeInfo.Type)) schema.Items = Entry();
        return Task.CompletedTask;
    });

    private static OpenApiSchema Entry() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "The fields every line has, then the touchpoint's own fields (those of its type, as POST /api/touchpoints takes them).",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["touchpointId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Words(typeof(TouchpointTypes)) },
            ["occurredAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["recordedAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["state"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Words(typeof(CustomerStates)), Description = "the customer's state after this touchpoint" },
            ["version"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "the touchpoint's position in the customer's stream" },
        },
        Required = TimelineEntryWriter.Common.ToHashSet(),
        AdditionalPropertiesAllowed = true,
    };

    private static List<JsonNode> Words(Type constants) => [.. WordsAttribute.Of(constants).Select(word => (JsonNode)JsonValue.Create(word))];
}
