using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Retention;

/// <summary>A schema of its own: the list holds every client asking to cancel in the base.</summary>
public sealed class WorkListHost() : SchemaHost("eventcrm_retention_worklist");

/// <summary>
/// The desk's work list: every client asking to cancel, those with an open offer first (the one
/// lapsing soonest first), then the others, the oldest request first.
/// </summary>
public class when_the_desk_reads_its_work_list(WorkListHost desk) : IClassFixture<WorkListHost>
{
    [Fact]
    public async Task clients_with_an_open_offer_come_first_by_expiry_then_the_others_by_request()
    {
        var host = desk.Host;
        var (firstOffer, secondOffer, letGo, settled, quiet) =
            (await RetentionClients.Alpha(host), await RetentionClients.Alpha(host), await RetentionClients.Beta(host), await RetentionClients.Alpha(host), await RetentionClients.Beta(host));
        // Beta asks first: the oldest request, yet after both offers in the list.
        await RetentionClients.RequestCancellation(host, letGo);
        (await RetentionClients.Decision(host, letGo))["decision"]!.GetValue<string>().ShouldBe("no-offer");
        foreach (var alpha in new[] { firstOffer, secondOffer, settled })
        {
            await RetentionClients.RequestCancellation(host, alpha);
            (await RetentionClients.Decision(host, alpha))["decision"]!.GetValue<string>().ShouldBe("offer-made");
        }
        var offerId = (await RetentionClients.Decision(host, settled))["offer"]!["offerId"]!.GetValue<string>();
        await host.PostTouchpoints(Of("retention-offer-accepted", settled, DateTimeOffset.UtcNow, new { offerId }));

        var list = await host.GetJson("/api/retention/pending");

        list["total"]!.GetValue<long>().ShouldBe(3, "the accepted offer settled one client; the quiet one never asked");
        var items = list["items"]!.AsArray();
        items.Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe([firstOffer, secondOffer, letGo]);
        items.Select(i => i!["decision"]!.GetValue<string>()).ShouldBe(["offer-made", "offer-made", "no-offer"]);
        items[0]!["offer"]!["expiresAt"]!.GetValue<DateTimeOffset>().ShouldBeLessThan(items[1]!["offer"]!["expiresAt"]!.GetValue<DateTimeOffset>());
        items[0]!["name"]!.GetValue<string>().ShouldBe("Alpha Industries");
        // Alpha earns 8,000 of margin a year at no cost: 8,000 x 0.75 / (1.08 - 0.75) = 18,181.82;
        // Beta's calls cost more than its margin: -570 x 0.75 / 0.33 = -1,295.45.
        items[0]!["currentValue"]!.GetValue<decimal>().ShouldBe(18181.82m, 0.05m);
        items[2]!["currentValue"]!.GetValue<decimal>().ShouldBe(-1295.45m, 0.05m);
        items.ShouldNotContain(i => i!["customerId"]!.GetValue<string>() == quiet);

        var second = await host.GetJson("/api/retention/pending?page=2&pageSize=2");
        (second["total"]!.GetValue<long>(), second["items"]!.AsArray().Single()!["customerId"]!.GetValue<string>()).ShouldBe((3L, letGo));
    }

    [Fact]
    public async Task a_page_out_of_range_is_refused_with_the_field_at_fault()
    {
        (await desk.Host.GetJson("/api/retention/pending?pageSize=0", 400)).ErrorKeys().ShouldBe(["pageSize"]);
        (await desk.Host.GetJson("/api/retention/pending?page=0", 400)).ErrorKeys().ShouldBe(["page"]);
    }
}
