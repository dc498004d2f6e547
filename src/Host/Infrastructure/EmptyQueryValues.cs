using Microsoft.Extensions.Primitives;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// On a route marked so, an optional query parameter given empty (<c>customerId=</c>) is refused,
/// not read as absent (<see cref="EmptyQueryValues"/>): for a filter whose absence widens the
/// answer to everything, the export's, where a script's unset variable would otherwise export
/// every customer's personal data.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EmptyQueryValuesRefusedAttribute : Attribute;

/// <summary>
/// A query parameter given empty (<c>knownAt=</c>, <c>order=</c>, <c>page=</c>) is read as not
/// given, on every <c>/api</c> route: a client or a form that sends every field, filled or not,
/// gets each one's default. Until 2026-12-06 that held for the parameters bound as numbers and
/// booleans (<c>page=</c>, <c>skipInvalid=</c>) only; those read as text were refused (<c>knownAt=</c>
/// and <c>asOf=</c>: "must be yyyy-MM-dd ...", <c>order=</c>, <c>from=</c> of the KPIs, <c>formula=</c>:
/// "must name a formula", <c>state=</c>, <c>against=</c>) or echoed (<c>search=</c>). The empty parameters are
/// taken out of the query before the endpoint binds it, so that every route reads them one way.
/// Runs after <see cref="StrictQueryStrings"/>: a parameter the route does not take is refused, empty or not.
/// </summary>
public static class EmptyQueryValues
{
    private const string ApiPrefix = "/api/";

    public static IApplicationBuilder UseEmptyQueryValuesAsAbsent(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var query = context.Request.Query;
        if (query.Count > 0
            && query.Any(parameter => IsEmpty(parameter.Value))
            && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } endpoint
            && route.StartsWith(ApiPrefix, StringComparison.Ordinal)
            && endpoint.Metadata.GetMetadata<EmptyQueryValuesRefusedAttribute>() is null)
        {
            context.Request.Query = new QueryCollection(query.Where(parameter => !IsEmpty(parameter.Value))
                .ToDictionary(parameter => parameter.Key, parameter => parameter.Value, StringComparer.OrdinalIgnoreCase));
        }
        await next(context);
    });

    /// <summary>Given with nothing after its <c>=</c> (or without one): <c>knownAt=</c>, <c>knownAt</c>. A space is a value, refused or read as such.</summary>
    private static bool IsEmpty(StringValues values) => values.All(string.IsNullOrEmpty);
}
