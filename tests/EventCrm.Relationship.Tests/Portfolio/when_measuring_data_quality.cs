using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_measuring_data_quality
{
    //      name               email                                 segment  channel  errors
    // c1   Élodie Martin      Elodie.Martin+promo@Example.com       smb      web      -
    // c2   "  elodie   MARTIN " elodie.martin@example.com           smb      web      -       c1's name and email
    // c3   Jean Dupont        jean.dupont@gmail.com                 smb      web      -
    // c4   J. Dupont          JeanDupont@googlemail.com             smb      web      -       c3's email
    // c5   José Núñez         jose@example.org                      (none)   " "      -
    // c6   Jose Nunez         (none)                                smb      web      -       c5's name
    // c7   Anna Schmidt       anna@example.de                       smb      web      2
    // c8   (none)             bob@example.com                       smb      web      1
    // c9   Anna Smith         an.na@example.de                      smb      web      -       dots only count at Gmail
    // c10  Customer c10       c10@example.com                       smb      web      -
    // All ten signed up: customers, of whom every field is asked.
    private static readonly PortfolioCustomer[] TenCustomers =
    [
        Signed("c1") with { Name = "Élodie Martin", Email = "Elodie.Martin+promo@Example.com" },
        Signed("c2") with { Name = "  elodie   MARTIN ", Email = "elodie.martin@example.com" },
        Signed("c3") with { Name = "Jean Dupont", Email = "jean.dupont@gmail.com" },
        Signed("c4") with { Name = "J. Dupont", Email = "JeanDupont@googlemail.com" },
        Signed("c5") with { Name = "José Núñez", Email = "jose@example.org", Segment = null, Channel = " " },
        Signed("c6") with { Name = "Jose Nunez", Email = null },
        Signed("c7") with { Name = "Anna Schmidt", Email = "anna@example.de", DataErrors = ["signed up before its lead", "negative revenue"] },
        Signed("c8") with { Name = null, Email = "bob@example.com", DataErrors = ["churned without signing up"] },
        Signed("c9") with { Name = "Anna Smith", Email = "an.na@example.de" },
        Signed("c10"),
    ];

    private static PortfolioCustomer Signed(string id) => SignedUp(id, Day(2024, 1, 5));

    [Fact]
    public void customers_whose_personal_data_was_erased_are_not_duplicates_of_each_other()
    {
        var erased = Customer("e1") with { Name = "[erased]", Email = "[erased]" };

        var duplicates = DataQuality.Of([erased, erased with { CustomerId = "e2" }, Customer("c10")]).Duplicates;

        duplicates.Groups.ShouldBeEmpty();
        duplicates.Rate.ShouldBe(0m);
    }

    [Fact]
    public void records_sharing_a_normalised_email_or_name_are_duplicates()
    {
        var duplicates = DataQuality.Of(TenCustomers).Duplicates;

        duplicates.Groups.Select(g => (g.Kind, g.Key, string.Join(' ', g.CustomerIds))).ShouldBe(
        [
            ("email", "elodie.martin@example.com", "c1 c2"),  // case and +tag
            ("email", "jeandupont@gmail.com", "c3 c4"),       // Gmail dots, googlemail.com
            ("name", "elodie martin", "c1 c2"),               // accent, case, spaces
            ("name", "jose nunez", "c5 c6"),                  // accents
        ]);
        // c1 to c6 = 6 of 10, c1 and c2 counted once though in two groups
        duplicates.CustomerIds.ShouldBe(["c1", "c2", "c3", "c4", "c5", "c6"]);
        duplicates.Rate.ShouldBe(0.6m);
    }

    [Fact]
    public void records_with_data_errors_give_the_error_rate_with_their_reasons()
    {
        var errors = DataQuality.Of(TenCustomers).Errors;

        // c7 and c8 = 2 of 10
        errors.Rate.ShouldBe(0.2m);
        errors.Customers.Select(e => (e.CustomerId, string.Join(" | ", e.Reasons))).ShouldBe(
            [("c7", "signed up before its lead | negative revenue"), ("c8", "churned without signing up")]);
    }

    [Fact]
    public void a_customer_missing_or_blank_in_any_required_field_is_incomplete()
    {
        var completeness = DataQuality.Of(TenCustomers).Completeness;

        // incomplete: c5 (segment, blank channel), c6 (email), c8 (name): complete 7 of 10
        completeness.Rate.ShouldBe(0.7m);
        completeness.Incomplete.Select(r => (r.CustomerId, string.Join(' ', r.MissingFields))).ShouldBe(
            [("c5", "segment channel"), ("c6", "email"), ("c8", "name")]);
    }

    [Fact]
    public void a_prospect_is_asked_only_for_a_name_and_an_email_a_customer_also_for_a_segment_and_a_channel()
    {
        // A segment and a channel come with the signup: a prospect cannot have them, a customer should, however it
        // became one (a purchase without signup) and whether it has left since.
        var lead = Customer("p1") with { Segment = null, Channel = null, LeadAt = Day(2024, 1, 1), StateChanges = [Prospect(Day(2024, 1, 1))] };
        PortfolioCustomer[] records =
        [
            lead,                                                                  // complete: name and email
            lead with { CustomerId = "p2", Email = " " },                          // no email
            lead with { CustomerId = "b1", StateChanges = [Prospect(Day(2024, 1, 1)), Active(Day(2024, 2, 1))] },  // bought, never signed up
            SignedUp("s1", Day(2024, 1, 5), Churned(Day(2024, 6, 1))) with { Channel = null },                     // signed up, left since
            SignedUp("s2", Day(2024, 1, 5)),                                       // complete: all four
        ];

        var completeness = DataQuality.Of(records).Completeness;

        // incomplete: p2 (email), b1 (segment, channel), s1 (channel): complete p1 and s2, 2 of 5 = 0.4
        completeness.Incomplete.Select(r => (r.CustomerId, string.Join(' ', r.MissingFields))).ShouldBe(
            [("p2", "email"), ("b1", "segment channel"), ("s1", "channel")]);
        completeness.Rate.ShouldBe(0.4m);
    }

    [Fact]
    public void an_empty_base_has_no_rates()
    {
        var quality = DataQuality.Of([]);

        quality.Customers.ShouldBe(0);
        (quality.Duplicates.Rate, quality.Errors.Rate, quality.Completeness.Rate).ShouldBe((null, null, null));
        quality.Duplicates.Groups.ShouldBeEmpty();
    }
}
