using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using Shouldly;

namespace EventCrm.Relationship.Tests.Privacy;

/// <summary>
/// A contributor adds a touchpoint type. Until every text field of its record is classified, personal in
/// PersonalData.FieldsByType or not personal in PersonalData.NotPersonalByType, an erasure could answer "erased" and
/// leave a name in the timeline and the export (and the audit chain would seal it verbatim, for good), so the
/// classification is checked type by type, and the store's configuration (every start) refuses a gap.
/// The made-up types below are registered under a name no contributor would give a real type, beside the real
/// registry, and each scenario reads only its own type's problems: a real type left unclassified fails the first
/// scenario alone, named with its file. Their fields but those named like the personal fields of today start with
/// "fixture", so that a real field made personal (a referral's friendName) changes none of these scenarios.
/// </summary>
public class when_a_touchpoint_type_is_added
{
    private const string Fixture = "fixture-of-when-a-touchpoint-type-is-added";

    /// <summary>Who referred the client, and where the referral came from: both named like personal fields.</summary>
    private sealed record FixtureReferral(string TouchpointId, DateTimeOffset OccurredAt, string Name, string? Source) : ITouchpoint;

    /// <summary>The contributor's referral: a friend's name and email, named like no personal field.</summary>
    private sealed record FixtureReferralMade(
        string TouchpointId, DateTimeOffset OccurredAt, string FixtureFriendName, string FixtureFriendEmail, decimal Reward) : ITouchpoint;

    /// <summary>A campaign label and a date, beside a friend's name.</summary>
    private sealed record FixtureCampaignReferral(string TouchpointId, DateTimeOffset OccurredAt, string FixtureCampaign, string FixtureFriendName) : ITouchpoint;

    private sealed record FixtureFriend(string Name, int Age);

    /// <summary>Text held in a list and in a record of its own, not in a string property.</summary>
    private sealed record FixtureGroupReferral(
        string TouchpointId, DateTimeOffset OccurredAt, IReadOnlyList<string> FixtureTags, FixtureFriend FixtureReferrer, IReadOnlyList<int> FixtureScores) : ITouchpoint;

    private static Dictionary<string, Type> With<T>() => new(TouchpointTypes.ByName) { [Fixture] = typeof(T) };

    private static Dictionary<string, IReadOnlyList<string>> PersonalWith(params string[] fields) =>
        new(PersonalData.FieldsByType) { [Fixture] = fields };

    private static Dictionary<string, IReadOnlyList<NotPersonal>> NotPersonalWith(params NotPersonal[] fields) =>
        new(PersonalData.NotPersonalByType) { [Fixture] = fields };

    /// <summary>The problems naming the made-up type only.</summary>
    private static IEnumerable<string> FixtureProblems(
        IReadOnlyDictionary<string, Type> types, IReadOnlyDictionary<string, IReadOnlyList<string>> personal,
        IReadOnlyDictionary<string, IReadOnlyList<NotPersonal>>? notPersonal = null) =>
        PersonalDataClassification.Problems(types, personal, notPersonal ?? PersonalData.NotPersonalByType).Where(p => p.Contains($"'{Fixture}'"));

    [Fact]
    public void every_registered_touchpoint_type_is_classified_as_its_record_reads()
    {
        // Thrown with the problems as its first lines: the test run's summary shows the first four.
        var problems = PersonalDataClassification.Problems(TouchpointTypes.ByName, PersonalData.FieldsByType, PersonalData.NotPersonalByType);
        if (problems.Count > 0) Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void a_type_not_classified_is_named_with_its_text_fields_and_the_file_to_edit()
    {
        FixtureProblems(With<FixtureReferralMade>(), PersonalData.FieldsByType).ShouldBe([
            $"touchpoint type '{Fixture}' (FixtureReferralMade) is not classified: of its text fields fixtureFriendName, fixtureFriendEmail, declare " +
            "those that are personal in PersonalData.FieldsByType ([] for none) and the others not personal, with why, in " +
            "PersonalData.NotPersonalByType (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_friend_s_name_and_email_declared_neither_way_stop_the_start()
    {
        // Declared [] and nothing else: named like no personal field, friendName and friendEmail were let through,
        // and an erasure answered fields [name, email] with the friend's left in the timeline, the export and the seal.
        FixtureProblems(With<FixtureReferralMade>(), PersonalWith()).ShouldBe([
            $"touchpoint type '{Fixture}' (FixtureReferralMade) has fixtureFriendName, fixtureFriendEmail declared neither personal nor not personal: " +
            "declare each that may name or describe a person in its entry in PersonalData.FieldsByType (a new kind of personal field " +
            "also goes in PersonalFields and PersonalData.Fields: docs/contributing.md, step 3), or, if it is an id, a label shared " +
            "across customers or the service's own words, in PersonalData.NotPersonalByType with why (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_friend_s_name_declared_personal_before_it_is_a_kind_of_personal_field_says_where_the_kind_goes()
    {
        FixtureProblems(With<FixtureReferralMade>(), PersonalWith("fixtureFriendName", "fixtureFriendEmail")).ShouldBe([
            $"touchpoint type '{Fixture}' declares fixtureFriendName, fixtureFriendEmail personal, which PersonalData.Fields does not list: a new kind " +
            "of personal field goes in PersonalFields and PersonalData.Fields, and in the lists docs/contributing.md (step 3) names " +
            "(src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void the_start_message_s_first_line_says_what_to_declare()
    {
        // The start joins the problems into one line (PersonalDataUnclassifiedException): the fixture's is all of it here.
        var message = string.Join("; ", FixtureProblems(With<FixtureReferralMade>(), PersonalWith()));

        message.Split('\n').Length.ShouldBe(1);
        message.ShouldContain("fixtureFriendName, fixtureFriendEmail");
        message.ShouldContain("PersonalData.FieldsByType");
        message.ShouldContain("PersonalData.NotPersonalByType");
        message.ShouldContain(PersonalDataClassification.File);
    }

    [Fact]
    public void a_label_shared_across_customers_declared_not_personal_with_why_is_accepted()
    {
        FixtureProblems(With<FixtureCampaignReferral>(), PersonalWith(),
                NotPersonalWith(NotPersonal.SharedLabel("fixtureCampaign"), new NotPersonal("fixtureFriendName", "the fixture's word for a campaign's patron")))
            .ShouldBeEmpty();
    }

    [Fact]
    public void a_label_declared_not_personal_leaves_the_friend_s_name_refused()
    {
        FixtureProblems(With<FixtureCampaignReferral>(), PersonalWith(), NotPersonalWith(NotPersonal.SharedLabel("fixtureCampaign"))).ShouldBe([
            $"touchpoint type '{Fixture}' (FixtureCampaignReferral) has fixtureFriendName declared neither personal nor not personal: " +
            "declare each that may name or describe a person in its entry in PersonalData.FieldsByType (a new kind of personal field " +
            "also goes in PersonalFields and PersonalData.Fields: docs/contributing.md, step 3), or, if it is an id, a label shared " +
            "across customers or the service's own words, in PersonalData.NotPersonalByType with why (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void text_in_a_list_or_a_record_of_its_own_is_a_text_field_too()
    {
        // fixtureTags (strings) and fixtureReferrer (a record with a name) hold text; fixtureScores (numbers) hold none.
        FixtureProblems(With<FixtureGroupReferral>(), PersonalWith()).Single().ShouldStartWith(
            $"touchpoint type '{Fixture}' (FixtureGroupReferral) has fixtureTags, fixtureReferrer declared neither personal nor not personal:");
    }

    [Fact]
    public void a_type_said_to_hold_nothing_personal_while_it_holds_a_name_and_a_source_is_refused()
    {
        FixtureProblems(With<FixtureReferral>(), PersonalWith()).ShouldBe([
            $"touchpoint type '{Fixture}' has name, source, personal wherever they are, left out of its entry in " +
            "PersonalData.FieldsByType (or, if the service alone records the type, declared not personal in PersonalData.NotPersonalByType) " +
            "(src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_name_declared_not_personal_in_a_type_callers_send_is_refused()
    {
        // Only a type the service alone records (a rule's reason) may keep a field so named.
        FixtureProblems(With<FixtureReferral>(), PersonalWith(PersonalFields.Source), NotPersonalWith(NotPersonal.SharedLabel("name"))).ShouldBe([
            $"touchpoint type '{Fixture}' declares name not personal, personal wherever they are but in a type the service alone records " +
            "(TouchpointTypes.RecordedByTheService): move them to its entry in PersonalData.FieldsByType (src/Relationship/Privacy/PersonalData.cs)",
            // Declared, source has no case in the erasure's readers either: the fixture's values are reachable by no one.
            $"touchpoint type '{Fixture}': PersonalData.ValuesOf reads [] of a FixtureReferral, not [source]: give FixtureReferral its case " +
            "in ValuesOf and in Erase (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_field_declared_both_ways_gone_from_the_record_or_without_why_is_refused()
    {
        FixtureProblems(With<FixtureCampaignReferral>(), PersonalWith(),
                NotPersonalWith(NotPersonal.SharedLabel("fixtureCampaign"), new NotPersonal("fixtureFriendName", " "), NotPersonal.Id("orderId")))
            .ShouldBe([
                $"touchpoint type '{Fixture}' declares orderId not personal in PersonalData.NotPersonalByType, which FixtureCampaignReferral " +
                "has no text property for (src/Relationship/Privacy/PersonalData.cs)",
                $"touchpoint type '{Fixture}' declares fixtureFriendName not personal without saying why, in PersonalData.NotPersonalByType " +
                "(src/Relationship/Privacy/PersonalData.cs)",
            ]);
        FixtureProblems(With<FixtureReferral>(), PersonalWith(PersonalFields.Name, PersonalFields.Source),
                NotPersonalWith(NotPersonal.SharedLabel("source")))
            .First().ShouldBe(
                $"touchpoint type '{Fixture}' declares source both personal (PersonalData.FieldsByType) and not personal " +
                "(PersonalData.NotPersonalByType): keep one (src/Relationship/Privacy/PersonalData.cs)");
    }

    [Fact]
    public void a_type_classified_without_its_case_in_the_erasure_is_refused()
    {
        // Classified, but PersonalData.ValuesOf and Erase have no case for it: an erasure would not see its values.
        FixtureProblems(With<FixtureReferral>(), PersonalWith(PersonalFields.Name, PersonalFields.Source)).ShouldBe([
            $"touchpoint type '{Fixture}': PersonalData.ValuesOf reads [] of a FixtureReferral, not [name, source]: give FixtureReferral its case " +
            "in ValuesOf and in Erase (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void a_classification_of_a_type_no_longer_registered_is_refused()
    {
        FixtureProblems(TouchpointTypes.ByName, PersonalWith(PersonalFields.Name), NotPersonalWith(NotPersonal.Id("orderId"))).ShouldBe([
            $"PersonalData.FieldsByType classifies '{Fixture}', which TouchpointTypes.ByName does not register (src/Relationship/Privacy/PersonalData.cs)",
            $"PersonalData.NotPersonalByType lists '{Fixture}', which TouchpointTypes.ByName does not register (src/Relationship/Privacy/PersonalData.cs)",
        ]);
    }

    [Fact]
    public void an_offer_s_text_fields_are_its_ids_its_rule_its_inputs_by_name_its_tier_and_its_formula()
    {
        // RetentionOfferMade's record, read by hand: amount, cost (decimal) and the dates hold no text; inputs (names to
        // numbers) and tier (a record with the tier's name) do.
        PersonalDataClassification.TextFields(typeof(RetentionOfferMade))
            .ShouldBe(["touchpointId", "cancellationTouchpointId", "offerId", "rule", "inputs", "tier", "formula"], ignoreOrder: true);
    }

    [Fact]
    public void the_file_the_messages_name_is_where_the_classification_is()
    {
        var file = File.ReadAllText(Path.Combine(Repository.Root, PersonalDataClassification.File));
        file.ShouldContain("FieldsByType =");
        file.ShouldContain("NotPersonalByType =");
    }
}
