using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

public class when_searching_customers(AppFixture app)
{
    [Fact]
    public async Task customers_are_found_by_part_of_their_name_or_email_case_insensitively()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var byName = Ids.Customer();
        var byEmail = Ids.Customer();
        await app.Host.PostTouchpoints(new[]
        {
            SignUp(byName, Jan1, name: $"Marie Curie{tag}", email: "marie@example.com"),
            Lead(byEmail, Jan1, name: "Pierre", email: $"pierre.{tag}@example.com"),
            Lead(Ids.Customer(), Jan1, name: "Someone Else", email: "else@example.com"),
        });

        var found = await app.Host.GetJson($"/api/customers?search={tag.ToUpperInvariant()}");

        found["total"]!.GetValue<long>().ShouldBe(2);
        found["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).ShouldBe([byName, byEmail], ignoreOrder: true);
    }

    [Fact]
    public async Task a_lead_imported_late_does_not_bring_back_an_older_name_and_email_but_the_customer_is_found_by_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1.AddDays(30), name: $"Ada King{tag}", email: $"ada.king.{tag}@example.com"));

        // The ERP's history arrives afterwards: the lead from before the signup, under the maiden name.
        await app.Host.PostTouchpoints(Lead(customer, Jan1, name: $"Ada Byron{tag}", email: $"ada.byron.{tag}@example.com"));

        var profile = await app.Host.GetJson($"/api/customers/{customer}");
        profile["name"]!.GetValue<string>().ShouldBe($"Ada King{tag}");
        profile["email"]!.GetValue<string>().ShouldBe($"ada.king.{tag}@example.com");
        // Still a name the customer had: a person asking what is held about them may give it (docs/privacy.md).
        (await app.Host.GetJson($"/api/customers?search=byron{tag}"))["customers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe([$"Ada King{tag}"]);
        (await app.Host.GetJson($"/api/customers/{customer}/timeline"))["name"]!.GetValue<string>().ShouldBe($"Ada King{tag}");

        // A lead dated after the signup is the newer identity.
        await app.Host.PostTouchpoints(Lead(customer, Jan1.AddDays(60), name: $"Ada Lovelace{tag}", email: $"ada.lovelace.{tag}@example.com"));
        (await app.Host.GetJson($"/api/customers/{customer}"))["name"]!.GetValue<string>().ShouldBe($"Ada Lovelace{tag}");
    }

    [Fact]
    public async Task results_are_paged()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var customers = Enumerable.Range(0, 5).Select(i => Lead(Ids.Customer(), Jan1, name: $"Page{tag} {i}", email: $"p{i}@example.com")).ToArray();
        await app.Host.PostTouchpoints(customers);

        var first = await app.Host.GetJson($"/api/customers?search={tag}&page=1&pageSize=2");
        var third = await app.Host.GetJson($"/api/customers?search={tag}&page=3&pageSize=2");

        first["total"]!.GetValue<long>().ShouldBe(5);
        first["customers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe([$"Page{tag} 0", $"Page{tag} 1"]);
        third["customers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe([$"Page{tag} 4"]);
    }

    [Fact]
    public async Task a_page_size_out_of_bounds_or_not_a_number_is_400()
    {
        (await app.Host.GetJson("/api/customers?search=a&pageSize=500", 400)).ErrorKeys().ShouldBe(["pageSize"]);
        (await app.Host.GetJson("/api/customers?search=a&pageSize=0", 400)).ErrorKeys().ShouldBe(["pageSize"]);
        (await app.Host.GetJson("/api/customers?search=a&page=0", 400)).ErrorKeys().ShouldBe(["page"]);
        // (page - 1) x 200 would overflow a 32-bit offset into a negative one.
        var deep = await app.Host.GetJson("/api/customers?search=a&page=10737420&pageSize=200", 400);
        deep.ErrorKeys().ShouldBe(["page"]);
        await app.Host.Scenario(s => { s.Get.Url("/api/customers?page=abc"); s.StatusCodeShouldBe(400); });
    }
}
