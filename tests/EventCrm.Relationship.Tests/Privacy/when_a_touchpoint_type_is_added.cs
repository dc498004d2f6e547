using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using Shouldly;

namespace EventCrm.Relationship.Tests.Privacy;

/// <summary>
/// A contributor adds a "referral" touchpoint, which names the person who referred the client and
/// where the referral came from. Until its personal fields are classified in PersonalData.FieldsByType
/// an erasure would answer "erased" and leave both in the timeline and the export, so the
/// classification is checked type by type, and the store's configuration (every start) refuses a gap.
/// </summary>
public class when_a_touchpoint_type_is_added
{
    private sealed record Referral(string TouchpointId, DateTimeOffset OccurredAt, string Name, string? Source) : ITouchpoint;

    private static readonly Dictionary<string, Type> WithReferral = new(TouchpointTypes.ByName) { ["referral"] = typeof(Referral) };

    private static Dictionary<string, IReadOnlyList<string>> ClassifiedWith(params string[] referralFields) =>
        new(PersonalData.FieldsByType) { ["referral"] = referralFields };

    [Fact]
    public void every_registered_touchpoint_type_is_classified_as_its_record_reads()
    {
        // Thrown with the problems as its first lines: the test run's summary shows the first four.
        var problems = PersonalDataClassification.Problems(TouchpointTypes.ByName, PersonalData.FieldsByType);
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void a_type_not_classified_is_named_with_the_file_to_edit()
    {
        PersonalDataClassification.Problems(WithReferral, PersonalData.FieldsByType).ShouldBe([
            "touchpoint type 'referral' (Referral) is not classified: declare its personal fields, or [] for none, " +
            "in PersonalData.FieldsByType (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_type_said_to_hold_nothing_personal_while_it_holds_a_name_and_a_source_is_refused()
    {
        PersonalDataClassification.Problems(WithReferral, ClassifiedWith()).ShouldBe([
            "touchpoint type 'referral' has name, source, personal wherever they are, left out of its entry in " +
            "PersonalData.FieldsByType (or, if the service alone writes them, listed in PersonalData.NotPersonalDespiteTheirNames) " +
            "(src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_type_classified_without_its_case_in_the_erasure_is_refused()
    {
        // Classified, but PersonalData.ValuesOf and Erase have no case for it: an erasure would not see its values.
        PersonalDataClassification.Problems(WithReferral, ClassifiedWith(PersonalFields.Name, PersonalFields.Source)).ShouldBe([
            "touchpoint type 'referral': PersonalData.ValuesOf reads [] of a Referral, not [name, source]: give Referral its case " +
            "in ValuesOf and in Erase (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_classification_of_a_type_no_longer_registered_is_refused()
    {
        PersonalDataClassification.Problems(TouchpointTypes.ByName, ClassifiedWith(PersonalFields.Name)).ShouldBe([
            "PersonalData.FieldsByType classifies 'referral', which TouchpointTypes.ByName does not register (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void the_file_the_messages_name_is_where_the_classification_is()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "EventCrm.sln"))) folder = folder.Parent;
        folder.ShouldNotBeNull("the repository holding this test");
        File.ReadAllText(Path.Combine(folder.FullName, PersonalDataClassification.File)).ShouldContain("FieldsByType =");
    }
}
