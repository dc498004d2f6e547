using EventCrm.Relationship.Portfolio;
using Shouldly;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_normalising_duplicate_keys
{
    [Theory]
    [InlineData("  Élodie   MARTIN ", "elodie martin")]
    [InlineData("François\tLe Bœuf", "francois le bœuf")] // œ is a letter, not an accent: kept
    [InlineData("ZOË", "zoe")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void a_name_is_trimmed_lower_cased_stripped_of_accents_and_single_spaced(string? name, string? key) =>
        DuplicateKeys.ForName(name).ShouldBe(key);

    [Theory]
    [InlineData(" Jo.Doe+News@Example.COM ", "jo.doe@example.com")]  // +tag dropped, dots kept outside Gmail
    [InlineData("jo.doe+a+b@example.com", "jo.doe@example.com")]     // everything after the first +
    [InlineData("J.o.Doe+x@GMail.com", "jodoe@gmail.com")]            // Gmail ignores dots
    [InlineData("jo.doe@googlemail.com", "jodoe@gmail.com")]          // and googlemail.com is Gmail
    [InlineData("zoë@exämple.fr", "zoe@example.fr")]
    [InlineData("not an address", "not an address")]
    [InlineData("", null)]
    public void an_email_also_loses_its_tag_and_gmail_dots(string? email, string? key) =>
        DuplicateKeys.ForEmail(email).ShouldBe(key);
}
