using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Customers;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Customers;

public static class GetCustomerEndpoint
{
    [WolverineGet("/api/customers/{id}"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The customer's profile.", Body = typeof(CustomerView))]
    [Answers(404, "An unknown customer.")]
    public static async Task<IResult> Get(string id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<CustomerProfile>(id, ct) is { } profile
            ? Results.Ok(CustomerView.Of(profile))
            : UnknownCustomer(id);

    // Ids are trimmed when written, but a path is taken as sent: the 404 says which id was meant.
    public static IResult UnknownCustomer(string id) =>
        Problems.NotFound(id.Trim() == id || id.Trim().Length == 0
            ? $"No customer '{id}'."
            : $"No customer '{id}'. Ids are stored without surrounding whitespace: ask for '{id.Trim()}'.");
}
