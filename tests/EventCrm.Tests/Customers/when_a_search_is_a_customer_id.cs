using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

/// <summary>The audit and data-quality pages show customers by id alone: a desk user pastes one into the search.</summary>
public class when_a_search_is_a_customer_id(AppFixture app)
{
    [Fact]
    public async Task the_customer_with_that_id_comes_first_before_those_whose_name_holds_it_and_only_in_its_own_case()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var holder = $"VIP-{tag}";
        var (abe, bea) = (Ids.Customer(), Ids.Customer());
        await app.Host.PostTouchpoints(new[]
        {
            Lead(holder, Jan1, name: "Nadia Holder", email: "nadia@example.com"),
            Lead(bea, Jan1, name: $"Bea refers vip-{tag}", email: "bea@example.com"),
            Lead(abe, Jan1, name: $"Abe refers vip-{tag}", email: "abe@example.com"),
        });

        // Pasted with the spaces a copy often brings: the id, then the two whose names hold it, by name.
        var pasted = await app.Host.GetJson($"/api/customers?search=%20{holder}%20%20");
        var inLowerCase = await app.Host.GetJson($"/api/customers?search={holder.ToLowerInvariant()}");

        // Nadia's name and email do not hold the id: 2 name matches + the id's customer.
        pasted["total"]!.GetValue<long>().ShouldBe(3);
        Listed(pasted).ShouldBe([holder, abe, bea]);
        // Ids are case-sensitive as stored (GET /api/customers/vip-... is a 404): the names alone match.
        inLowerCase["total"]!.GetValue<long>().ShouldBe(2);
        Listed(inLowerCase).ShouldBe([abe, bea]);
    }

    [Fact]
    public async Task a_customer_whose_email_holds_its_id_is_listed_first_and_counted_and_paged_once()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var cora = $"own-{tag}";
        var (abe, bob, dan, eve) = (Ids.Customer(), Ids.Customer(), Ids.Customer(), Ids.Customer());
        await app.Host.PostTouchpoints(new[]
        {
            Lead(cora, Jan1, name: "Cora Own", email: $"{cora}@example.com"),
            Lead(abe, Jan1, name: $"Abe {cora}", email: "abe@example.com"),
            Lead(bob, Jan1, name: $"Bob {cora}", email: "bob@example.com"),
            Lead(dan, Jan1, name: $"Dan {cora}", email: "dan@example.com"),
            Lead(eve, Jan1, name: $"Eve {cora}", email: "eve@example.com"),
        });

        // By name Cora is third of five (Abe, Bob, Cora, Dan, Eve); found by id she is first, then the four others
        // in their order: pages of 1 and of 2 go through those five once each, and say 5 in all every time.
        var byOnes = await Pages(cora, pageSize: 1, pages: 6);
        var byTwos = await Pages(cora, pageSize: 2, pages: 3);

        byOnes.Totals.ShouldAllBe(total => total == 5);
        byOnes.Listed.ShouldBe([[cora], [abe], [bob], [dan], [eve], []]);
        byTwos.Totals.ShouldAllBe(total => total == 5);
        byTwos.Listed.ShouldBe([[cora, abe], [bob, dan], [eve]]);
    }

    private async Task<(List<long> Totals, List<List<string>> Listed)> Pages(string search, int pageSize, int pages)
    {
        var (totals, listed) = (new List<long>(), new List<List<string>>());
        for (var page = 1; page <= pages; page++)
        {
            var found = await app.Host.GetJson($"/api/customers?search={search}&page={page}&pageSize={pageSize}");
            totals.Add(found["total"]!.GetValue<long>());
            listed.Add(Listed(found));
        }
        return (totals, listed);
    }

    private static List<string> Listed(System.Text.Json.Nodes.JsonNode found) =>
        found["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).ToList();
}
