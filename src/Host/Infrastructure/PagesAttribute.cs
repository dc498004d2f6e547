using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A paged route's <c>page</c> and <c>pageSize</c>, as <see cref="PageBounds"/> reads them: page 1 to
/// <see cref="PageBounds.MaxPage"/> (1 when absent), pageSize 1 to <see cref="MaxPageSize"/>
/// (<see cref="DefaultPageSize"/> when absent). The endpoint passes the same constants to its check; the
/// OpenAPI document gives them as the parameters' <c>default</c>, <c>minimum</c> and <c>maximum</c> (<see cref="PagesInOpenApi"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PagesAttribute(int defaultPageSize, int maxPageSize) : Attribute
{
    public int DefaultPageSize { get; } = defaultPageSize;
    public int MaxPageSize { get; } = maxPageSize;
}

/// <summary>A generated client had <c>page</c> and <c>pageSize</c> as bare integers: no default, and no bound before a 400.</summary>
public static class PagesInOpenApi
{
    public static void Describe(OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<PagesAttribute>().FirstOrDefault() is not { } pages) return Task.CompletedTask;
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter.Schema is not OpenApiSchema schema) continue;
            var (fallback, max) = parameter.Name switch
            {
                "page" => (1, PageBounds.MaxPage),
                "pageSize" => (pages.DefaultPageSize, pages.MaxPageSize),
                _ => (0, 0),
            };
            if (max == 0) continue;
            schema.Minimum = "1";
            schema.Maximum = max.ToString(CultureInfo.InvariantCulture);
            schema.Default = JsonValue.Create(fallback);
        }
        return Task.CompletedTask;
    });
}
