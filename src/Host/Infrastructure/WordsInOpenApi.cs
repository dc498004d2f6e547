using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using EventCrm.Relationship;
using Wolverine.Http;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The closed sets of words the service answers and takes (a customer's <c>state</c>, a key's <c>roles</c>,
/// <c>order=</c>, a quadrant), declared as <c>enum</c>s from the <see cref="WordsAttribute"/> on the field or
/// route parameter: without them a generated client had a bare string and no way to tell a typo from a word.
/// A field that may be null lists null among its words, as JSON Schema asks.
/// </summary>
public static class WordsInOpenApi
{
    public static void Describe(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(WordsAttribute), true) is [WordsAttribute words, ..])
                Declare(schema, words);
            return Task.CompletedTask;
        });
        // Wolverine describes a route's parameters without their ParameterInfo: the endpoint's method gives it.
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<HttpChain>().FirstOrDefault() is not { } chain) return Task.CompletedTask;
            foreach (var parameter in chain.Method.Method.GetParameters())
                if (parameter.GetCustomAttributes(typeof(WordsAttribute), true) is [WordsAttribute words, ..]
                    && operation.Parameters?.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)) is { Schema: OpenApiSchema schema })
                    Declare(schema, words);
            return Task.CompletedTask;
        });
    }

    private static void Declare(OpenApiSchema schema, WordsAttribute words)
    {
        var target = schema.Type?.HasFlag(JsonSchemaType.Array) == true && schema.Items is OpenApiSchema items ? items : schema;
        var listed = words.Words.Select(word => (JsonNode)JsonValue.Create(word)).ToList();
        if (target.Type?.HasFlag(JsonSchemaType.Null) == true) listed.Add(JsonNullSentinel.JsonNull);
        target.Enum = listed;
    }
}
