using EventCrm.Host.Sharding;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Two writers of the same customer claim the same touchpoint id, and share the claim. The first
/// to finish (its request refused for something else, say) must not take the claim away from the
/// second while it is still deciding: a third writer, of a customer in the other database, would
/// then find the id free and nowhere recorded, and record it a second time.
/// </summary>
public sealed partial class when_writing_across_two_databases
{
    /// <summary>What a writer of <paramref name="customer"/> claims for one lead with this touchpoint id.</summary>
    private static IReadOnlyList<IncomingTouchpoint> LeadOf(string customer, string touchpointId) =>
        [new(0, customer, new LeadCaptured(touchpointId, May, "Ada", "ada@example.com", null))];

    [Fact]
    public async Task a_claim_two_writers_of_one_customer_share_holds_until_the_last_of_them_releases_it()
    {
        var claims = Bases.Sharded.Services.GetRequiredService<TouchpointClaims>();
        var (customer, other) = OnePerDatabase($"claim-{Guid.NewGuid():N}");
        var touchpointId = $"claim-{Guid.NewGuid():N}";
        var (first, second, third) = (LeadOf(customer, touchpointId), LeadOf(customer, touchpointId), LeadOf(other, touchpointId));

        (await claims.ClaimAsync(first, CancellationToken.None)).ShouldBeEmpty();
        (await claims.ClaimAsync(second, CancellationToken.None)).ShouldBeEmpty();
        await claims.ReleaseAsync(first);

        var held = await claims.ClaimAsync(third, CancellationToken.None);
        held.Keys.ShouldBe([touchpointId]);
        held[touchpointId].CustomerId.ShouldBe(customer);

        await claims.ReleaseAsync(second);
        (await claims.ClaimAsync(third, CancellationToken.None)).ShouldBeEmpty();
        await claims.ReleaseAsync(third);
        (await claims.ClaimAsync(first, CancellationToken.None)).ShouldBeEmpty();
        await claims.ReleaseAsync(first);
    }

    [Fact]
    public async Task a_writer_releasing_an_id_another_customer_holds_leaves_that_claim_alone()
    {
        var claims = Bases.Sharded.Services.GetRequiredService<TouchpointClaims>();
        var (customer, other) = OnePerDatabase($"claim-{Guid.NewGuid():N}");
        var touchpointId = $"claim-{Guid.NewGuid():N}";
        IReadOnlyList<IncomingTouchpoint> For(string who) => LeadOf(who, touchpointId);

        (await claims.ClaimAsync(For(customer), CancellationToken.None)).ShouldBeEmpty();
        (await claims.ClaimAsync(For(other), CancellationToken.None)).Keys.ShouldBe([touchpointId]);
        await claims.ReleaseAsync(For(other));

        (await claims.ClaimAsync(For(other), CancellationToken.None)).Keys.ShouldBe([touchpointId]);
        await claims.ReleaseAsync(For(customer));
        (await claims.ClaimAsync(For(other), CancellationToken.None)).ShouldBeEmpty();
        await claims.ReleaseAsync(For(other));
    }
}
