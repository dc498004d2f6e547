using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A field the answer leaves out when it has nothing (<c>[JsonIgnore(Condition = WhenWritingNull)]</c>) is not
/// required in its schema. ASP.NET requires every constructor parameter of a record, so the data-quality
/// answer of one list (GET /api/data-quality/{list}, "that list alone") was declared to hold the other two
/// lists, and a validating client refused every such answer.
/// </summary>
public static class FieldsLeftOutInOpenApi
{
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (schema.Required is not { Count: > 0 } required) return Task.CompletedTask;
        foreach (var property in context.JsonTypeInfo.Properties)
            if (property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), true).OfType<JsonIgnoreAttribute>()
                    .Any(ignore => ignore.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true)
                required.Remove(property.Name);
        return Task.CompletedTask;
    });
}
