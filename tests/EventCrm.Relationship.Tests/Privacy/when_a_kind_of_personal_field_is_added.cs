using System.Reflection;
using System.Text.RegularExpressions;
using EventCrm.Relationship.Privacy;

namespace EventCrm.Relationship.Tests.Privacy;

/// <summary>
/// A contributor adds a kind of personal field (a referral's <c>friendName</c>): the erasure's answer may then list it
/// in <c>fields</c>, a closed set the OpenAPI document reads from <see cref="PersonalFields"/>, and the docs give the
/// same list in three places. Each list is checked against <see cref="PersonalData.Fields"/>, so that none is left
/// saying six words when the erasure answers seven (docs/contributing.md, step 3).
/// </summary>
public class when_a_kind_of_personal_field_is_added
{
    [Fact]
    public void the_words_the_openapi_document_lists_are_the_fields_the_erasure_masks()
    {
        // [Words(typeof(PersonalFields))] lists its constants; the erasure masks PersonalData.Fields.
        var constants = typeof(PersonalFields).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        // Failed by hand, so that what to do is the failure's first line.
        if (!constants.ToHashSet().SetEquals(PersonalData.Fields))
            Assert.Fail($"PersonalFields (the OpenAPI document's words for an erasure's fields: [{string.Join(", ", constants)}]) and " +
                        $"PersonalData.Fields (what it masks: [{string.Join(", ", PersonalData.Fields)}]) differ: give both the new field " +
                        "(src/Relationship/Privacy/PersonalData.cs)");
    }

    // Where the docs list an erasure's fields, and the words just before each list.
    [Theory]
    [InlineData("docs/api.md", "the items of its `fields` (")]
    [InlineData("docs/events.md", "| `fields` | array of strings | the personal fields masked, of ")]
    [InlineData("docs/privacy.md", "(`fields`: the personal fields whose values were masked, of ")]
    public void each_doc_lists_the_fields_an_erasure_may_answer(string doc, string before)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, doc));
        var at = text.IndexOf(before, StringComparison.Ordinal);
        if (at < 0) Assert.Fail($"{doc} no longer has \"{before}\": point this test at its list of an erasure's fields");

        var listed = Regex.Match(text[(at + before.Length)..], @"^(?:`(?<word>[A-Za-z]+)`(?:,\s*|\s+(?:and|or)\s+)?)+")
            .Groups["word"].Captures.Select(c => c.Value).ToList();

        if (listed.Count != PersonalData.Fields.Count || !listed.ToHashSet().SetEquals(PersonalData.Fields))
            Assert.Fail($"{doc} (line {text[..at].Count(c => c == '\n') + 1}) lists an erasure's fields as [{string.Join(", ", listed)}], " +
                        $"PersonalData.Fields as [{string.Join(", ", PersonalData.Fields)}]: write the new field there, marked " +
                        "\"(changed <date>, see CHANGELOG)\"");
    }
}
