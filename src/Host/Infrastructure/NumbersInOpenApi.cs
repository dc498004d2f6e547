using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Numbers in the OpenAPI document as the service writes them. ASP.NET's JSON options start from the web
/// defaults, whose <see cref="JsonNumberHandling.AllowReadingFromString"/> made every number of the document
/// <c>{"type": ["integer", "string"], "pattern": ...}</c>: the service never writes a number as a string, and
/// reads no body with those options (every body is read field by field, <see cref="JsonRequestBody"/>, where
/// <c>"3"</c> is no number), so they read numbers strictly and the document says <c>integer</c> or <c>number</c>.
/// A decimal (money, rates: kept exactly, 28 significant digits) is declared <c>format: decimal</c>, not the
/// <c>double</c> ASP.NET gives it, so that a generated client does not read it into a binary float.
/// </summary>
public static class NumbersInOpenApi
{
    public const string DecimalFormat = "decimal";

    public static IServiceCollection ReadNumbersStrictly(this IServiceCollection services) =>
        services.Configure<JsonOptions>(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);

    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type) == typeof(decimal))
        {
            schema.Format = DecimalFormat;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    });
}
