using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>
/// Ids come from other systems: emoji, rarer CJK characters, dots. Their limits count characters as people do, and an
/// id that no URL can name (a path segment of dots) is refused before it holds a customer nobody can read or erase.
/// </summary>
public class when_an_id_is_not_plain_ascii(AppFixture app)
{
    // U+1F600 and U+20BB7 lie beyond the Basic Multilingual Plane: one character each, two UTF-16 units.
    private const string Emoji = "\U0001F600", RareKanji = "\U00020BB7";

    [Fact]
    public async Task a_customer_id_of_100_emoji_is_100_characters_and_taken_101_are_refused()
    {
        var hundred = string.Concat(Enumerable.Repeat(Emoji, 99)) + RareKanji;
        var hundredAndOne = hundred + Emoji;

        await app.Host.PostTouchpoints(SignUp(hundred, Jan1));
        var problem = await app.Host.PostTouchpoints(SignUp(hundredAndOne, Jan1), 400);

        (await app.Store.EventCount(hundred)).ShouldBe(1);
        problem["errors"]!["customerId"]![0]!.GetValue<string>().ShouldBe("must be at most 100 characters");
        (await app.Store.EventCount(hundredAndOne)).ShouldBe(0);
    }

    [Fact]
    public async Task a_search_of_200_emoji_is_read_and_one_more_is_refused()
    {
        var twoHundred = string.Concat(Enumerable.Repeat(Emoji, 200));

        await app.Host.GetJson($"/api/customers?search={Uri.EscapeDataString(twoHundred)}");
        var problem = await app.Host.GetJson($"/api/customers?search={Uri.EscapeDataString(twoHundred + Emoji)}", 400);

        problem.ErrorKeys().ShouldBe(["search"]);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public async Task a_customer_id_of_dots_alone_is_refused_as_no_url_can_name_it(string dots)
    {
        var problem = await app.Host.PostTouchpoints(SignUp(dots, Jan1), 400);

        problem.ErrorKeys().ShouldBe(["customerId"]);
        problem["errors"]!["customerId"]![0]!.GetValue<string>().ShouldStartWith($"must not be '{dots}': a URL cannot name it");
        (await app.Store.EventCount(dots)).ShouldBe(0);
    }

    [Fact]
    public async Task dots_within_an_id_are_an_id_like_any_other()
    {
        const string dotted = "...";
        await app.Host.PostTouchpoints(SignUp(dotted, Jan1));

        (await app.Host.GetJson("/api/customers/...")).ShouldNotBeNull();
        (await app.Store.EventCount(dotted)).ShouldBe(1);
    }
}
