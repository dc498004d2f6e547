using EventCrm.Projections.Spend;
using EventCrm.Relationship.Touchpoints;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>The pure fold behind the SpendByCategory projection, without Marten.</summary>
public class when_folding_spend_by_category
{
    private static readonly DateTimeOffset Day = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static SignedUp Signup(string segment) => new($"s-{Guid.NewGuid():N}", Day, "N", "n@example.com", segment, null, 0);

    private static PurchaseMade Buy(decimal amount, string category) => new($"p-{Guid.NewGuid():N}", Day, "o", amount, amount / 4, category);

    private static Dictionary<string, CellChange> Fold(params (string Customer, ITouchpoint Touchpoint)[] events)
    {
        var book = new SpendBook([]);
        foreach (var (customer, touchpoint) in events) book.Record(customer, touchpoint);
        return book.CellChanges.Where(c => c.Value.Purchases != 0 || c.Value.Buyers != 0).ToDictionary();
    }

    [Fact]
    public void a_customer_buying_twice_in_a_category_is_one_buyer()
    {
        var cells = Fold(("a", Signup("smb")), ("a", Buy(100, "rollers")), ("a", Buy(40, "rollers")), ("b", Signup("smb")), ("b", Buy(10, "rollers")));

        cells.Keys.ShouldBe(["smb|rollers"]);
        cells["smb|rollers"].ShouldBe(new CellChange("smb", "rollers", 150, 37.5m, 3, 2));
    }

    [Fact]
    public void purchases_recorded_before_the_signup_move_to_its_segment_when_it_comes()
    {
        var signupFirst = Fold(("a", Signup("enterprise")), ("a", Buy(60, "movers")));
        var signupLater = Fold(("a", Buy(60, "movers")), ("a", Signup("enterprise")));

        signupLater.ShouldBe(signupFirst);
        signupLater["enterprise|movers"].ShouldBe(new CellChange("enterprise", "movers", 60, 15, 1, 1));
    }

    [Fact]
    public void a_pipe_in_a_name_cannot_make_two_cells_collide()
    {
        SpendCell.KeyOf("a|b", "c").ShouldNotBe(SpendCell.KeyOf("a", "b|c"));
        SpendCell.KeyOf(null, "c").ShouldNotBe(SpendCell.KeyOf("", "|c"));
    }
}
