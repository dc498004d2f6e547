using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// How deep a JSON body may nest (docs/reliability.md, "Limits"), counting its objects and arrays, the body's own
/// included: 16 levels for POST /api/touchpoints, 8 for a body read field by field (POST /api/keys among them). The
/// docs said "64 elsewhere" until 2026-12-07; no route reads a body that deep. At the limit the JSON is read (and
/// refused for what it says); one level more it is not read at all.
/// </summary>
public class when_a_body_nests_deeper_than_it_may(AppFixture app)
{
    /// <summary>A value nested in <paramref name="arrays"/> arrays: "[[]]" for 2.</summary>
    private static string Arrays(int arrays) => new string('[', arrays) + new string(']', arrays);

    [Fact]
    public async Task a_keys_body_of_8_levels_is_read_and_one_of_9_is_not()
    {
        // The body's object (1) + 7 arrays = 8 levels; + 8 arrays = 9.
        var read = await app.Host.PostRaw("/api/keys", $$"""{"name":{{Arrays(7)}},"roles":["desk"]}""", 400);
        var notRead = await app.Host.PostRaw("/api/keys", $$"""{"name":{{Arrays(8)}},"roles":["desk"]}""", 400);

        read.ToJsonString().ShouldNotContain("depth");
        read["errors"]!.AsObject().ContainsKey("name").ShouldBeTrue(read.ToJsonString());
        notRead.ToJsonString().ShouldContain("depth of 8");
    }

    [Fact]
    public async Task a_touchpoints_body_of_16_levels_is_read_and_one_of_17_is_not()
    {
        // The array of touchpoints (1) + the touchpoint's object (1) + 14 arrays = 16 levels; + 15 arrays = 17.
        var read = await app.Host.PostRaw("/api/touchpoints", $$"""[{"type":{{Arrays(14)}}}]""", 400);
        var notRead = await app.Host.PostRaw("/api/touchpoints", $$"""[{"type":{{Arrays(15)}}}]""", 400);

        read.ToJsonString().ShouldNotContain("depth");
        notRead.ToJsonString().ShouldContain("depth of 16");
    }
}
