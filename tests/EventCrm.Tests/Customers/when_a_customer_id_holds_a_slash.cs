using EventCrm.Tests.Scaling;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

/// <summary>
/// ERP keys such as "ACME/4711" are valid customer ids. In a URL the slash is written %2F, which
/// the server keeps encoded in the path: the customer routes still find the customer.
/// </summary>
public class when_a_customer_id_holds_a_slash(AppFixture app)
{
    [Fact]
    public async Task every_customer_route_reads_it_from_its_encoded_form()
    {
        var customer = $"ACME/{Ids.Customer()}";
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1, name: "Slash Industries"), Purchase(customer, Jan1.AddDays(5), 90m, 30m) });
        await app.Store.CatchUp();
        var path = $"/api/customers/{Uri.EscapeDataString(customer)}";
        path.ShouldContain("%2F");

        (await app.Host.GetJson(path))["customerId"]!.GetValue<string>().ShouldBe(customer);
        var timeline = await app.Host.GetJson($"{path}/timeline");
        timeline["customerId"]!.GetValue<string>().ShouldBe(customer);
        timeline["entries"]!.AsArray().Count.ShouldBe(2);
        (await app.Host.GetJson($"{path}/value"))["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(90m);
        (await app.Host.GetJson($"{path}/value-history")).ShouldNotBeNull();
        (await app.Host.GetJson($"{path}/retention")).ShouldNotBeNull();
        (await app.Host.GetJson($"{path}/audit"))["customerId"]!.GetValue<string>().ShouldBe(customer);
    }

    [Fact]
    public async Task a_real_server_reads_it_too()
    {
        // Kestrel, not the in-memory test server: the one that decides what a %2F in the path becomes.
        await using var node = await NodeProcess.Start("eventcrm-slash-ids", "eventcrm_slash_ids");
        var customer = $"ACME/{Ids.Customer()}";
        await node.PostTouchpoints(new[] { SignUp(customer, Jan1, name: "Slash Industries") });

        (await node.GetJson($"/api/customers/{Uri.EscapeDataString(customer)}/timeline"))["customerId"]!.GetValue<string>().ShouldBe(customer);
    }

    [Fact]
    public async Task an_unknown_id_with_a_slash_is_a_404_naming_it_decoded()
    {
        var problem = await app.Host.GetJson($"/api/customers/{Uri.EscapeDataString("NOBODY/1")}", 404);
        problem["detail"]!.GetValue<string>().ShouldContain("NOBODY/1");
    }
}
