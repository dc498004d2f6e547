using EventCrm.Tests.Support;
using Shouldly;
using System.Text.Json.Nodes;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

/// <summary>
/// A desk lead counts the prospects, the clients asking to cancel, the churned: <c>GET /api/customers?state=</c>
/// (docs/api.md). Five customers sharing a tag in their names, each brought to its state by its touchpoints.
/// </summary>
public class when_listing_customers_by_state(AppFixture app)
{
    private sealed record Five(string Tag, string Prospect, string ActiveA, string ActiveB, string Cancelling, string Churned);

    private async Task<Five> FiveCustomersInFourStates()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var five = new Five(tag, Ids.Customer(), Ids.Customer(), Ids.Customer(), Ids.Customer(), Ids.Customer());
        await app.Host.PostTouchpoints(new[]
        {
            Lead(five.Prospect, Jan1, name: $"State{tag} A lead", email: $"a.{tag}@example.com"),
            SignUp(five.ActiveA, Jan1, name: $"State{tag} B signed", email: $"b.{tag}@example.com"),
            SignUp(five.ActiveB, Jan1, name: $"State{tag} C buyer", email: $"c.{tag}@example.com"),
            Purchase(five.ActiveB, Jan1.AddDays(3)),
            SignUp(five.Cancelling, Jan1, name: $"State{tag} D asking", email: $"d.{tag}@example.com"),
            CancellationRequest(five.Cancelling, Jan1.AddDays(10)),
            SignUp(five.Churned, Jan1, name: $"State{tag} E gone", email: $"e.{tag}@example.com"),
            Churn(five.Churned, Jan1.AddDays(20)),
        });
        return five;
    }

    private static string[] Ids_(JsonNode answer) => [.. answer["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>())];

    [Fact]
    public async Task each_state_lists_and_counts_its_own_customers_among_those_searched()
    {
        var five = await FiveCustomersInFourStates();

        // Worked by hand: a lead alone is a prospect; a signup, bought from or not, active; the two others as they last said.
        var expected = new (string State, string[] Customers)[]
        {
            ("prospect", [five.Prospect]),
            ("active", [five.ActiveA, five.ActiveB]),
            ("cancellation-requested", [five.Cancelling]),
            ("churned", [five.Churned]),
            ("retained", []),
        };
        foreach (var (state, customers) in expected)
        {
            var answer = await app.Host.GetJson($"/api/customers?search=state{five.Tag}&state={state}");
            answer["total"]!.GetValue<long>().ShouldBe(customers.Length, state);
            Ids_(answer).ShouldBe(customers, state);
            (answer["search"]!.GetValue<string>(), answer["state"]!.GetValue<string>()).ShouldBe(($"state{five.Tag}", state));
            // The state filtered on is the one each customer's own route reports.
            foreach (var id in customers) (await app.Host.GetJson($"/api/customers/{id}"))["state"]!.GetValue<string>().ShouldBe(state);
        }
        // Without a state: all five, and the answer says no state.
        var all = await app.Host.GetJson($"/api/customers?search=state{five.Tag}");
        all["total"]!.GetValue<long>().ShouldBe(5);
        all["state"].ShouldBeNull();
    }

    [Fact]
    public async Task a_state_pages_as_the_list_does_and_the_total_counts_the_filtered_customers()
    {
        var five = await FiveCustomersInFourStates();

        var second = await app.Host.GetJson($"/api/customers?search=state{five.Tag}&state=active&page=2&pageSize=1");

        (second["total"]!.GetValue<long>(), second["page"]!.GetValue<int>(), second["pageSize"]!.GetValue<int>()).ShouldBe((2L, 2, 1));
        Ids_(second).ShouldBe([five.ActiveB]);   // "State… C buyer" after "State… B signed"
    }

    [Fact]
    public async Task a_customer_searched_by_id_is_listed_only_in_its_own_state()
    {
        var five = await FiveCustomersInFourStates();

        Ids_(await app.Host.GetJson($"/api/customers?search={five.Cancelling}&state=cancellation-requested")).ShouldBe([five.Cancelling]);
        var elsewhere = await app.Host.GetJson($"/api/customers?search={five.Cancelling}&state=active");
        elsewhere["total"]!.GetValue<long>().ShouldBe(0);
        Ids_(elsewhere).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("Prospect")]
    [InlineData("prospect ")]
    public async Task a_word_that_is_not_a_state_is_400_naming_state_and_the_words_it_takes(string word)
    {
        var problem = await app.Host.GetJson($"/api/customers?state={Uri.EscapeDataString(word)}", 400);

        problem.ErrorKeys().ShouldBe(["state"]);
        problem["detail"]!.GetValue<string>().ShouldBe("state must be one of prospect, active, cancellation-requested, churned, retained");
    }
}
