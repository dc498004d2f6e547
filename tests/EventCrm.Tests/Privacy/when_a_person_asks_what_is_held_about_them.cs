using System.Text.Json.Nodes;
using Alba;
using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// A subject access request (docs/privacy.md, "Answering a subject access request"): the person gives a name or an
/// email, maybe one the service no longer shows, maybe one written into someone else's record.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_a_person_asks_what_is_held_about_them(PrivacyHost privacy)
{
    private IAlbaHost Host => privacy.Host;

    private sealed record Renamed(string Id, string Tag)
    {
        public string WrongName => $"Gideon Wrongname{Tag}";
        public string WrongEmail => $"gideon.{Tag}@wrong.test";
        public string RightName => $"Gideon Rightname{Tag}";
        public string RightEmail => $"gideon.{Tag}@right.test";
    }

    /// <summary>Signed up under a wrong name and email, rectified by a lead dated three days later (privacy.md, "Rectification").</summary>
    private async Task<Renamed> RectifiedCustomer()
    {
        var person = new Renamed(Ids.Customer(), Guid.NewGuid().ToString("N")[..10]);
        await Host.PostTouchpoints(SignUp(person.Id, Jan1, person.WrongName, person.WrongEmail));
        await Host.PostTouchpoints(Lead(person.Id, Jan1.AddDays(3), person.RightName, person.RightEmail));
        return person;
    }

    [Fact]
    public async Task a_rectified_customer_shows_the_right_name_and_is_still_found_by_the_wrong_one_which_stays_in_its_event()
    {
        var person = await RectifiedCustomer();

        var profile = await Host.GetJson($"/api/customers/{person.Id}");
        (profile["name"]!.GetValue<string>(), profile["email"]!.GetValue<string>()).ShouldBe((person.RightName, person.RightEmail));
        foreach (var term in new[] { $"{person.Tag}@wrong.test", $"WRONGNAME{person.Tag}", $"{person.Tag}@right.test", $"rightname{person.Tag}" })
        {
            var found = await Host.GetJson($"/api/customers?search={Uri.EscapeDataString(term)}");
            found["total"]!.GetValue<long>().ShouldBe(1, term);
            found["customers"]![0]!["customerId"]!.GetValue<string>().ShouldBe(person.Id);
            found["customers"]![0]!["name"]!.GetValue<string>().ShouldBe(person.RightName, "the list shows the current name, whichever matched");
        }
        // Both identities, lower-cased, one line each in the order they came.
        var searchText = $"gideon wrongname{person.Tag} gideon.{person.Tag}@wrong.test\ngideon rightname{person.Tag} gideon.{person.Tag}@right.test";
        (await StoredSearchText(person.Id)).ShouldBe(searchText);
        (await RebuiltSearchText(person.Id)).ShouldBe(searchText, "a rebuild of the profile folds the same events to the same text");
        // The correction is a new event: the signup still holds what it was sent with.
        var export = await Export(person.Id);
        export.ShouldContain(person.WrongName);
        export.ShouldContain(person.WrongEmail);
    }

    [Fact]
    public async Task an_erasure_leaves_neither_the_former_nor_the_current_name_to_find_nor_does_a_rebuild_bring_them_back()
    {
        var person = await RectifiedCustomer();
        await privacy.Store.CatchUp();
        (await Host.GetJson($"/api/customers?search=wrongname{person.Tag}"))["total"]!.GetValue<long>().ShouldBe(1, "found by the former name until erased");

        await Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);

        foreach (var term in new[] { $"{person.Tag}@wrong.test", $"wrongname{person.Tag}", $"{person.Tag}@right.test", $"rightname{person.Tag}" })
            (await Host.GetJson($"/api/customers?search={term}"))["total"]!.GetValue<long>().ShouldBe(0, term);
        (await StoredSearchText(person.Id)).ShouldBe("");
        (await RebuiltSearchText(person.Id)).ShouldBe("");
        (await PrivacyHost.TablesHolding($"wrongname{person.Tag}")).ShouldBeEmpty();
        (await Mentions($"{person.Tag}@wrong.test"))["total"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task a_third_party_named_in_other_customers_free_text_is_found_by_event_and_field_and_the_answer_does_not_repeat_the_text()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (caller, visited, unrelated) = (Ids.Customer(), Ids.Customer(), Ids.Customer());
        await Host.PostTouchpoints(new object[]
        {
            SignUp(caller, Jan1, $"Hector Caller{tag}", $"hector.{tag}@example.com"),
            Of("support-call", caller, Jan1.AddDays(5), new { durationMinutes = 9, cost = 12m, resolved = true,
                reason = $"called on behalf of his carer Ophelia Thirdparty{tag}, ophelia.{tag}@thirdparty.test" }),
            SignUp(visited, Jan1, $"Iris Visited{tag}", $"iris.{tag}@example.com"),
            Of("visit", visited, Jan1.AddDays(6), new { cost = 40m, purpose = $"met ophelia thirdparty{tag} at the shop" }),
            // A category is a shared label, not personal: not read (privacy.md, "What is personal").
            SignUp(unrelated, Jan1, $"Una Related{tag}", $"una.{tag}@example.com"),
            Purchase(unrelated, Jan1.AddDays(1), category: $"thirdparty{tag}"),
        });

        var found = await Mentions($"OPHELIA THIRDPARTY{tag}");

        found["total"]!.GetValue<long>().ShouldBe(2, "the support call's reason and the visit's purpose");
        found["customers"]!.GetValue<long>().ShouldBe(2);
        var mentions = found["mentions"]!.AsArray();
        mentions.Select(m => (m!["customerId"]!.GetValue<string>(), m["type"]!.GetValue<string>(), Fields(m)))
            .ShouldBe([(caller, "support-call", "reason"), (visited, "visit", "purpose")]);
        // The second of the caller's events: its sequence and id as the export gives them.
        var exported = JsonNode.Parse((await Export(caller)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1])!;
        mentions[0]!["sequence"]!.GetValue<long>().ShouldBe(exported["sequence"]!.GetValue<long>());
        mentions[0]!["version"]!.GetValue<long>().ShouldBe(2);
        mentions[0]!["database"]!.GetValue<string>().ShouldBe("default");
        found.ToJsonString().ToLowerInvariant().ShouldNotContain("ophelia");

        var email = await Mentions($"ophelia.{tag}@thirdparty.test");
        email["total"]!.GetValue<long>().ShouldBe(1);
        email["mentions"]![0]!["customerId"]!.GetValue<string>().ShouldBe(caller);
        (await Mentions($"thirdparty{tag}"))["total"]!.GetValue<long>().ShouldBe(2, "the purchase's category is no personal field");
    }

    [Fact]
    public async Task the_mentions_are_paged_and_a_former_email_is_found_in_the_event_that_holds_it()
    {
        var person = await RectifiedCustomer();

        var former = await Mentions($"{person.Tag}@WRONG.test");
        former["total"]!.GetValue<long>().ShouldBe(1);
        (former["mentions"]![0]!["type"]!.GetValue<string>(), Fields(former["mentions"]![0]!)).ShouldBe(("signed-up", "email"));

        // The tag is in both names and both emails: the signup's two fields, then the lead's.
        var second = await Mentions(person.Tag, "&pageSize=1&page=2");
        (second["page"]!.GetValue<int>(), second["pageSize"]!.GetValue<int>(), second["total"]!.GetValue<long>()).ShouldBe((2, 1, 2L));
        var only = second["mentions"]!.AsArray().ShouldHaveSingleItem()!;
        (only["type"]!.GetValue<string>(), Fields(only)).ShouldBe(("lead-captured", "name,email"));
        var past = await Mentions(person.Tag, "&pageSize=1&page=3");
        (past["total"]!.GetValue<long>(), past["mentions"]!.AsArray().Count).ShouldBe((2L, 0));
    }

    [Fact]
    public async Task an_empty_or_too_long_text_or_a_bad_page_is_400_and_only_the_administrator_may_ask()
    {
        (await Host.GetJson("/api/privacy/mentions", 400)).ErrorKeys().ShouldBe(["text"]);
        (await Host.GetJson("/api/privacy/mentions?text=%20%20", 400)).ErrorKeys().ShouldBe(["text"]);
        (await Host.GetJson($"/api/privacy/mentions?text={new string('x', 201)}", 400)).ErrorKeys().ShouldBe(["text"]);
        (await Host.GetJson("/api/privacy/mentions?text=a%00b", 400)).ErrorKeys().ShouldBe(["text"]);
        (await Host.GetJson("/api/privacy/mentions?text=ab&page=0", 400)).ErrorKeys().ShouldBe(["page"]);
        (await Host.GetJson("/api/privacy/mentions?text=ab&pageSize=501", 400)).ErrorKeys().ShouldBe(["pageSize"]);
        var dataKey = (await Host.PostJson("/api/keys", new { name = "mentions data", roles = new[] { "data", "auditor", "ingest", "desk" } }, 201))["key"]!.GetValue<string>();
        await Host.Scenario(s =>
        {
            s.Get.Url("/api/privacy/mentions?text=ab");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, dataKey);
            s.StatusCodeShouldBe(403);
        });
    }

    private static string Fields(JsonNode mention) => string.Join(",", mention["fields"]!.AsArray().Select(f => f!.GetValue<string>()));

    private Task<JsonNode> Mentions(string text, string paging = "") =>
        Host.GetJson($"/api/privacy/mentions?text={Uri.EscapeDataString(text)}{paging}");

    private async Task<string> StoredSearchText(string customerId)
    {
        await using var session = privacy.Store.QuerySession();
        return (await session.LoadAsync<CustomerProfile>(customerId)).ShouldNotBeNull().SearchText;
    }

    /// <summary>The profile folded from the stream as the rebuild folds it (ProfileFolds): the projection's code over the stored events.</summary>
    private async Task<string> RebuiltSearchText(string customerId)
    {
        await using var session = privacy.Store.QuerySession();
        var projection = new CustomerProfileProjection();
        CustomerProfile? profile = null;
        foreach (var e in await session.Events.FetchStreamAsync(customerId)) profile = projection.Evolve(profile, customerId, e);
        return profile.ShouldNotBeNull().SearchText;
    }

    private async Task<string> Export(string customerId)
    {
        var result = await Host.Scenario(s => s.Get.Url($"/api/events?customerId={Uri.EscapeDataString(customerId)}"));
        return await result.ReadAsTextAsync();
    }
}
