using System.Reflection;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using Marten;

namespace EventCrm.Projections.Privacy;

public static class PrivacyConfiguration
{
    private static readonly MethodInfo MaskingRule = typeof(PrivacyConfiguration).GetMethod(nameof(AddMaskingRule), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void AddMaskingRule<T>(StoreOptions opts) where T : notnull => opts.Events.AddMaskingRuleForProtectedInformation<T>(PersonalData.EraseAll);

    public static StoreOptions ConfigurePrivacy(this StoreOptions opts)
    {
        opts.Events.MapEventType<PersonalDataErased>(PersonalData.ErasedEventType);
        // Which customers were erased lately, for the nodes that hold names in memory (ErasureLog).
        opts.Storage.ExtendedSchemaObjects.Add(ErasureLog.Table(opts.DatabaseSchemaName));
        // A touchpoint type not classified (or classified unlike its record) stops here, before anything is appended.
        PersonalDataClassification.ThrowIfIncomplete();
        // Marten's own masking rules, the same functions the erasure endpoint applies, for every type with personal
        // fields: so that store.Advanced.ApplyEventDataMasking(...) (an operator's bulk erasure) masks exactly the same fields.
        // (Unlike the endpoint, it masks free text also in events sealed before free text was sealed
        // by its hash, 2026-12-05: their audit chain then no longer verifies. docs/privacy.md.)
        foreach (var (name, _) in PersonalData.FieldsByType.Where(type => type.Value.Count > 0))
            MaskingRule.MakeGenericMethod(TouchpointTypes.ByName[name]).Invoke(null, [opts]);
        return opts;
    }
}
