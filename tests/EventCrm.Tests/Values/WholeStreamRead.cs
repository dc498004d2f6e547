using Alba;
using EventCrm.Host.Customers;
using EventCrm.Host.Retention;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Values;

/// <summary>
/// What <c>GET /api/customers/{id}/retention</c> and <c>timeline</c> answer when read from the customer's whole stream, never
/// from the ledger the daemon keeps: the reference the kept ledger's answers must equal to the byte.
/// </summary>
public static class WholeStreamRead
{
    public static async Task<string> RetentionAsync(IAlbaHost host, string customerId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await WholeStreamValue.WrittenAsync(await GetRetentionEndpoint.ReadFromTheWholeStream(session, customerId, default), scope.ServiceProvider);
    }

    public static async Task<string> TimelineAsync(IAlbaHost host, string customerId, int page, int pageSize, string order)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var (asked, _) = TouchpointPage.Read(page, pageSize, order);
        return await WholeStreamValue.WrittenAsync(await GetTimelineEndpoint.FoldedFromTheWholeStream(session, customerId, asked!, upToVersion: null, default), scope.ServiceProvider);
    }
}
