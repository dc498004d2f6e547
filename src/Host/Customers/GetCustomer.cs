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

    public static IResult UnknownCustomer(string id) => Problems.NotFound($"No customer '{id}'.");
}
