using EventCrm.Host.Portfolio;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Portfolio;
using Shouldly;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// The bytes a stored valuation keeps give back every figure as valued (a decimal's scale, a date's offset, what is null),
/// never a name, an email nor a channel's text, and bytes that are not a whole valuation of this shape are refused, not half read.
/// </summary>
public class when_a_valuation_is_stored_as_bytes
{
    private static readonly PortfolioCustomer Valued = new("cust-1", "Ann Able", "ann@a.example", "smb", null,
        new DateTimeOffset(2024, 1, 1, 9, 30, 0, TimeSpan.FromHours(2)), null,
        [new StateChange(new DateTimeOffset(2024, 1, 5, 0, 0, 0, TimeSpan.Zero), CustomerStates.Active),
         new StateChange(new DateTimeOffset(2024, 9, 1, 0, 0, 0, TimeSpan.FromMinutes(-330)), CustomerStates.Churned)],
        600.00m, -50.5m, 1234.5678m, 0m, ["refund of order never-placed"]);

    [Fact]
    public void every_figure_comes_back_as_valued_without_name_nor_email_nor_the_channel_s_text()
    {
        var back = StoredValuationFigures.Decode(StoredValuationFigures.Encode([Valued, Valued with { CustomerId = "cust-2", DataErrors = [] }]));

        back.Select(c => c.CustomerId).ShouldBe(["cust-1", "cust-2"]);
        var first = back[0];
        (first.Name, first.Email).ShouldBe((null, null));
        // The channel may be free text an erasure masks: only that there is one is stored, the profile gives it at load.
        (first.Segment, first.Channel, first.LeadAt, first.SignedUpAt).ShouldBe((Valued.Segment, null, Valued.LeadAt, Valued.SignedUpAt));
        StoredValuationFigures.Decode(StoredValuationFigures.Encode([Valued with { Channel = "referred by neighbour Jane Doe" }]))[0].Channel.ShouldBe("(given)");
        first.LeadAt!.Value.Offset.ShouldBe(TimeSpan.FromHours(2));
        first.StateChanges.ShouldBe(Valued.StateChanges);
        first.StateChanges[1].At.Offset.ShouldBe(TimeSpan.FromMinutes(-330));
        // As written, scale included: "600.00" answers as 600.00, not 600.
        (first.Revenue.ToString(), first.Profit, first.CurrentValue, first.PotentialValue).ShouldBe(("600.00", -50.5m, 1234.5678m, 0m));
        first.DataErrors.ShouldBe(Valued.DataErrors);
        back[1].DataErrors.ShouldBeEmpty();
    }

    [Fact]
    public void bytes_cut_short_or_of_another_kind_are_refused()
    {
        var stored = StoredValuationFigures.Encode([Valued]);

        Should.Throw<InvalidDataException>(() => StoredValuationFigures.Decode(stored[..(stored.Length / 2)]));
        Should.Throw<InvalidDataException>(() => StoredValuationFigures.Decode([1, 2, 3, 4, 5]));
        Should.Throw<InvalidDataException>(() => StoredValuationFigures.Decode([]));
    }

    // Rows of another shape are never read, but only if a change to what a customer's figures hold takes a new shape
    // number: a figure added and written without one would be read from the old rows as whatever bytes follow.
    [Fact]
    public void the_shape_number_is_that_of_the_figures_a_customer_holds()
    {
        var figures = typeof(PortfolioCustomer).GetConstructors().Single().GetParameters().Select(p => $"{p.ParameterType.Name} {p.Name}");

        (StoredValuationFigures.Shape, string.Join(", ", figures)).ShouldBe((2,
            "String CustomerId, String Name, String Email, String Segment, String Channel, Nullable`1 LeadAt, Nullable`1 SignedUpAt, " +
            "IReadOnlyList`1 StateChanges, Decimal Revenue, Decimal Profit, Decimal CurrentValue, Decimal PotentialValue, IReadOnlyList`1 DataErrors"),
            "a change to PortfolioCustomer takes a new StoredValuationFigures.Shape (and this list)");
    }
}
