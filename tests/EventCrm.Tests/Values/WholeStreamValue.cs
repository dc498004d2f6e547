using Alba;
using EventCrm.Host.Formulas;
using EventCrm.Host.Models;
using EventCrm.Host.Values;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Values;

/// <summary>What <c>GET /api/customers/{id}/value</c> and <c>value-history</c> answer when folded from the customer's whole stream: the reference a faster path must equal to the byte.</summary>
public static class WholeStreamValue
{
    /// <summary>The endpoint's answer folded from the whole stream, written as the route writes it.</summary>
    public static async Task<string> AnswerAsync(IAlbaHost host, string customerId, string? formula, string asOf)
    {
        var services = host.Services;
        await using var scope = services.CreateAsyncScope();
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        var (query, _) = await ValueQuery.ResolveAsync(formula, asOf, null, services.GetRequiredService<FormulaRegistryStore>(),
            services.GetRequiredService<PortfolioModels>(), services.GetRequiredService<TimeProvider>(), default);
        var result = await GetCustomerValueEndpoint.FoldedFromTheWholeStream(session, customerId, query!, default);
        return await WrittenAsync(result, scope.ServiceProvider);
    }

    /// <summary>
    /// What <c>GET /api/customers/{id}/value-history?{query}</c> answers when sorted from the whole stream, never read from the
    /// checkpoints, written as the route writes it.
    /// </summary>
    public static Task<string> HistoryAsync(IAlbaHost host, string customerId, string query)
    {
        var parameters = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return HistoryAsync(host, customerId, parameters.GetValueOrDefault("formula"), parameters.GetValueOrDefault("knownAt"),
            int.Parse(parameters["page"]), int.Parse(parameters["pageSize"]), parameters.GetValueOrDefault("order"));
    }

    /// <summary>The same, its parameters given one by one (<paramref name="knownAt"/> as the route reads it).</summary>
    public static async Task<string> HistoryAsync(IAlbaHost host, string customerId, string? formula, string? knownAt, int page, int pageSize, string? order)
    {
        var services = host.Services;
        await using var scope = services.CreateAsyncScope();
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        var result = await GetValueHistoryEndpoint.SortedFromTheWholeStream(customerId, formula, knownAt, page, pageSize, order,
            session, services.GetRequiredService<FormulaRegistryStore>(), services.GetRequiredService<PortfolioModels>(),
            services.GetRequiredService<TimeProvider>(), default);
        return await WrittenAsync(result, scope.ServiceProvider);
    }

    /// <summary>An endpoint's result written as the route writes it.</summary>
    public static async Task<string> WrittenAsync(IResult result, IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }
}
