using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// The portfolio's answers share one valuation of the whole base for a few seconds, and it holds
/// every customer's name and email: the data-quality answer lists a duplicate by its normalised
/// email. An erasure must not leave the erased email served from it.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_erasing_a_customer_the_portfolio_lists(PrivacyHost privacy)
{
    [Fact]
    public async Task the_data_quality_answer_right_after_the_erasure_no_longer_lists_the_erased_email()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var email = $"twice.{marker}@privacy.example";
        var (first, second) = (Ids.Customer(), Ids.Customer());
        // One person recorded twice: the same email under two customer ids.
        await privacy.Host.PostTouchpoints(new[]
        {
            SignUp(first, Jan1, $"Twice Recorded{marker}", email), Purchase(first, Jan1.AddDays(3)),
            SignUp(second, Jan1.AddDays(1), $"Twice Recorded{marker}", email), Purchase(second, Jan1.AddDays(4)),
        });
        await privacy.Store.CatchUp();
        (await DuplicateGroupsOf(email)).ShouldBe([string.Join(',', new[] { first, second }.Order(StringComparer.Ordinal))], "the two records are one duplicate group before the erasure");

        await privacy.Host.PostJson($"/api/customers/{first}/erasure", new { }, 200);

        // Asked at once, within the few seconds the valuation is shared: the one record left is no duplicate of anything.
        (await DuplicateGroupsOf(email)).ShouldBeEmpty();
    }

    /// <summary>The customers of each duplicate group keyed by this email, as "id,id".</summary>
    private async Task<List<string>> DuplicateGroupsOf(string email)
    {
        var groups = (await privacy.Host.GetJson("/api/data-quality"))["analysis"]!["duplicates"]!["groups"]!.AsArray();
        return groups.Where(g => g!["key"]!.GetValue<string>() == email)
            .Select(g => string.Join(',', g!["customerIds"]!.AsArray().Select(id => id!.GetValue<string>()).Order(StringComparer.Ordinal)))
            .ToList();
    }
}
