using System.Collections;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Wolverine.Http;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The query strings of the API are read as strictly as its bodies (<see cref="JsonRequestBody"/>):
/// a parameter the route does not take is a 400 naming it, and so is a parameter of one value given
/// twice. The binder ignored the first (an auditor asking <c>?as_of=2024-01-01</c> got today's value
/// with a 200) and joined the second with a comma (<c>asOf=a&amp;asOf=b</c> read as <c>"a,b"</c>).
/// </summary>
/// <remarks>
/// The names a route takes are those Wolverine binds from the query for its endpoint method, the
/// parameters the OpenAPI document lists for it, so that they cannot drift apart; matched
/// case-insensitively, as the binder matches them. A parameter of an array type takes several
/// values. An endpoint that read a query value by hand would be refused it here: it must take the
/// value as a parameter of its method. Routes outside /api (the pages, /health, /openapi) are left alone.
/// </remarks>
public static class StrictQueryStrings
{
    private const string ApiPrefix = "/api/";

    public static IApplicationBuilder UseStrictQueryStrings(this IApplicationBuilder app)
    {
        var contracts = new ConcurrentDictionary<HttpChain, QueryContract>();
        return app.Use(async (context, next) =>
        {
            if (context.Request.Query.Count > 0
                && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } endpoint
                && route.StartsWith(ApiPrefix, StringComparison.Ordinal)
                && endpoint.Metadata.GetMetadata<HttpChain>() is { } chain
                && contracts.GetOrAdd(chain, QueryContract.Of).Refusal(context.Request, route) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }

    /// <summary>The query parameters of one route, by name, and whether each takes several values.</summary>
    private sealed class QueryContract(IReadOnlyDictionary<string, bool> takesSeveral, IReadOnlyList<string> names)
    {
        public static QueryContract Of(HttpChain chain)
        {
            var parameters = chain.CreateApiDescription(chain.HttpMethods.First()).ParameterDescriptions
                .Where(p => p.Source == BindingSource.Query)
                .DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            return new(parameters.ToDictionary(p => p.Name, p => IsCollection(p.Type), StringComparer.OrdinalIgnoreCase),
                parameters.Select(p => p.Name).ToList());
        }

        private static bool IsCollection(Type? type) => type is not null && type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

        public IResult? Refusal(HttpRequest request, string route)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (name, values) in request.Query)
            {
                if (!takesSeveral.TryGetValue(name, out var several)) errors[name] = ["is not a query parameter of this route"];
                else if (!several && values.Count > 1)
                    errors[name] = [$"is given {(values.Count == 2 ? "twice" : $"{values.Count} times")}; it takes one value"];
            }
            if (errors.Count == 0) return null;
            // What the route takes is said once, after every fault, however many there are.
            return Problems.Invalid($"{string.Join("; ", errors.Select(e => $"{Named(e.Key)} {e.Value[0]}"))}. " +
                                    $"{request.Method} {route} takes {Takes} (names are case-insensitive).", errors);
        }

        private string Takes => names.Count == 0 ? "no query parameters" : string.Join(", ", names);

        private static string Named(string name) => name.Length == 0 ? "a parameter without a name" : name;
    }
}
