using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A form, or a script with a variable left unset, sends every parameter, filled or not:
/// <c>?asOf=2025-06-30&amp;knownAt=</c>. An optional parameter given empty is read as not given,
/// on every route, whatever its kind: a moment, a bound of a period, a page, an order, a formula
/// or state, a search. Until 2026-12-06 only those bound as numbers did so (<c>page=</c>); an empty
/// <c>knownAt=</c>, <c>asOf=</c>, <c>order=</c>, <c>formula=</c> or KPI <c>from=</c> was a 400.
/// The export's filters are the exception, and stay refused (<see cref="DataTools.when_an_export_filter_is_given_empty"/>).
/// </summary>
public class when_a_query_parameter_is_given_empty(AppFixture app)
{
    private static readonly DateTimeOffset SignedUp = new(2023, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Bought = new(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Signed up in 2023, bought once for 100 in January 2025: two touchpoints.</summary>
    private async Task<string> CustomerWhoBoughtOnce()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { Touchpoint.SignUp(customer, SignedUp), Touchpoint.Purchase(customer, Bought, amount: 100m, margin: 30m) });
        return customer;
    }

    private static decimal Revenue(JsonNode value) => value["historical"]!["revenue"]!.GetValue<decimal>();

    [Fact]
    public async Task empty_moments_read_as_now_and_as_everything_recorded()
    {
        var customer = await CustomerWhoBoughtOnce();

        var value = await app.Host.GetJson($"/api/customers/{customer}/value?asOf=&knownAt=");
        var history = await app.Host.GetJson($"/api/customers/{customer}/value-history?knownAt=");

        // As of now, knowing everything: the purchase of 100 counts, and both touchpoints.
        Revenue(value).ShouldBe(100m);
        value["knownAt"].ShouldBeNull();
        value["touchpointsCounted"]!.GetValue<int>().ShouldBe(2);
        history["knownAt"].ShouldBeNull();
        history["total"]!.GetValue<int>().ShouldBe(2);
        // The model in force, as without knownAt (fitted or not in this shared base: the same answer either way).
        (await Status("/api/models/current?knownAt=")).ShouldBe(await Status("/api/models/current"));
    }

    [Fact]
    public async Task empty_bounds_of_a_period_read_as_the_last_twelve_months()
    {
        var asked = DateTimeOffset.UtcNow;
        var kpis = await app.Host.GetJson("/api/kpis?from=&to=");
        var answered = DateTimeOffset.UtcNow;

        var (from, to) = (kpis["analysis"]!["from"]!.GetValue<DateTimeOffset>(), kpis["analysis"]!["to"]!.GetValue<DateTimeOffset>());
        to.ShouldBeInRange(asked, answered, "to: the moment of the request");
        from.ShouldBe(to.AddYears(-1));
    }

    [Fact]
    public async Task an_empty_page_page_size_and_order_read_as_the_first_page_of_the_default_size_oldest_first()
    {
        var customer = await CustomerWhoBoughtOnce();

        foreach (var url in new[] { $"/api/customers/{customer}/timeline", $"/api/customers/{customer}/value-history" })
        {
            var page = await app.Host.GetJson($"{url}?page=&pageSize=&order=");

            (page["page"]!.GetValue<int>(), page["pageSize"]!.GetValue<int>(), page["order"]!.GetValue<string>()).ShouldBe((1, 1000, "oldest"), url);
            page["total"]!.GetValue<int>().ShouldBe(2, url);
        }
    }

    [Fact]
    public async Task an_empty_formula_or_state_reads_as_the_one_in_force_or_as_any()
    {
        var customer = await CustomerWhoBoughtOnce();

        var inForce = await app.Host.GetJson($"/api/customers/{customer}/value");
        var empty = await app.Host.GetJson($"/api/customers/{customer}/value?formula=");
        empty["formula"]!.ToJsonString().ShouldBe(inForce["formula"]!.ToJsonString());
        Revenue(empty).ShouldBe(100m);

        var replays = await app.Host.GetJson("/api/replays?formula=&state=&page=&pageSize=");
        (replays["page"]!.GetValue<int>(), replays["pageSize"]!.GetValue<int>()).ShouldBe((1, 50));
    }

    [Fact]
    public async Task an_empty_search_lists_every_customer_as_no_search_does()
    {
        // Other scenarios add customers to this shared base meanwhile: the empty search is read
        // between two reads without a search that agree, and must then agree with them too.
        JsonNode customers, unsearched;
        var tries = 0;
        do
        {
            unsearched = await app.Host.GetJson("/api/customers");
            customers = await app.Host.GetJson("/api/customers?search=&page=&pageSize=");
        } while (unsearched.ToJsonString() != (await app.Host.GetJson("/api/customers")).ToJsonString() && ++tries < 20);

        customers["search"].ShouldBeNull();
        (customers["page"]!.GetValue<int>(), customers["pageSize"]!.GetValue<int>()).ShouldBe((1, 20));
        customers["total"]!.GetValue<long>().ShouldBe(unsearched["total"]!.GetValue<long>());
        customers["customers"]!.ToJsonString().ShouldBe(unsearched["customers"]!.ToJsonString());
    }

    [Fact]
    public async Task a_parameter_the_route_does_not_take_is_refused_even_empty()
    {
        var customer = await CustomerWhoBoughtOnce();

        var problem = await app.Host.GetJson($"/api/customers/{customer}/value?as_of=", 400);

        problem.ErrorKeys().ShouldBe(["as_of"]);
    }

    private async Task<int> Status(string url)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }
}
