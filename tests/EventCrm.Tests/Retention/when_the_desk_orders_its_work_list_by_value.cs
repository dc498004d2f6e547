using EventCrm.Host.Retention;
using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>A schema of its own: the list holds every client asking to cancel in the base.</summary>
public sealed class WorkListByValueHost() : SchemaHost("eventcrm_retention_worklist_value");

/// <summary>
/// The desk sizes its effort by the client's value: <c>order=value</c> lists the highest value assessed first,
/// where the default order lists open offers by when they lapse.
/// </summary>
public class when_the_desk_orders_its_work_list_by_value(WorkListByValueHost desk) : IClassFixture<WorkListByValueHost>
{
    [Fact]
    public async Task the_highest_value_comes_first_and_pages_cut_that_order()
    {
        var host = desk.Host;
        // Each Alpha earns 10 purchases' margin a year at no cost, valued margin x 0.75 / (1.08 - 0.75):
        // 800 a purchase: 8,000 x 0.75 / 0.33 = 18,181.82; 400: 4,000 x 0.75 / 0.33 = 9,090.91; 1,200: 12,000 x 0.75 / 0.33 = 27,272.73.
        // Beta's calls cost more than its margin: -570 x 0.75 / 0.33 = -1,295.45, no offer.
        var (letGo, middle, small, large) = (await RetentionClients.Beta(host), await RetentionClients.Alpha(host, margin: 800m),
            await RetentionClients.Alpha(host, margin: 400m), await RetentionClients.Alpha(host, margin: 1_200m));
        // Beta asks first, then the Alphas in this order: their offers lapse in the same order.
        await RetentionClients.RequestCancellation(host, letGo);
        (await RetentionClients.Decision(host, letGo))["decision"]!.GetValue<string>().ShouldBe("no-offer");
        foreach (var alpha in new[] { middle, small, large })
        {
            await RetentionClients.RequestCancellation(host, alpha);
            (await RetentionClients.Decision(host, alpha))["decision"]!.GetValue<string>().ShouldBe("offer-made");
        }

        (await Listed("")).ShouldBe([middle, small, large, letGo], "the default: the offers by lapse, then the request without one");
        (await Listed("&order=lapse")).ShouldBe([middle, small, large, letGo]);
        var byValue = await desk.Host.GetJson("/api/retention/pending?order=value");
        byValue["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([large, middle, small, letGo]);
        byValue["items"]!.AsArray().Select(i => i!["currentValue"]!.GetValue<decimal>())
            .Zip(new[] { 27_272.73m, 18_181.82m, 9_090.91m, -1_295.45m }).ShouldAllBe(v => Math.Abs(v.First - v.Second) <= 0.05m);

        var first = await desk.Host.GetJson("/api/retention/pending?order=value&page=1&pageSize=2");
        var second = await desk.Host.GetJson("/api/retention/pending?order=value&page=2&pageSize=2");
        first["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([large, middle]);
        second["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([small, letGo]);
        (first["total"]!.GetValue<long>(), second["total"]!.GetValue<long>()).ShouldBe((4L, 4L));
    }

    [Theory]
    [InlineData("biggest")]
    [InlineData("VALUE")]
    public async Task an_order_it_does_not_know_is_refused_with_the_field_at_fault(string order)
    {
        var problem = await desk.Host.GetJson($"/api/retention/pending?order={order}", 400);

        problem.ErrorKeys().ShouldBe(["order"]);
        problem["errors"]!["order"]![0]!.GetValue<string>().ShouldEndWith("or value (the highest value assessed first), in lower case");
    }

    [Fact]
    public void equal_values_and_clients_still_assessed_keep_the_default_order_among_them()
    {
        var asked = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        GetPendingCancellationsEndpoint.Listed Client(string id, DateTimeOffset requested, DateTimeOffset? lapsing, decimal? value) =>
            new(new CustomerProfile { Id = id, LatestCancellationAt = requested }, lapsing ?? DateTimeOffset.MaxValue, new(true, value));
        var clients = new[]
        {
            Client("a", asked.AddHours(1), lapsing: null, 500m),           // no offer, asked second
            Client("b", asked, lapsing: asked.AddDays(7), value: null),      // an offer, yet its value not read: after every value
            Client("c", asked.AddHours(2), lapsing: asked.AddDays(8), 500m), // as much as a, with an offer: before a
            Client("d", asked, lapsing: null, 900m),
            Client("e", asked, lapsing: null, value: null),                  // still assessed, no offer: after b
        };

        // 900 (d); then 500: c's offer before a without one; then no value: b's offer before e.
        GetPendingCancellationsEndpoint.InOrder(clients, byValue: true).Select(c => c.Profile.Id).ShouldBe(["d", "c", "a", "b", "e"]);
        // By lapse: b's offer (7 days), c's (8 days), then the requests: d and e asked at 9:00 (by id), a at 10:00.
        GetPendingCancellationsEndpoint.InOrder(clients, byValue: false).Select(c => c.Profile.Id).ShouldBe(["b", "c", "d", "e", "a"]);
    }

    private async Task<string[]> Listed(string order) =>
        (await desk.Host.GetJson($"/api/retention/pending?page=1&pageSize=20{order}"))["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ToArray();
}
