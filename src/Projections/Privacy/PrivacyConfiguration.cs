using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using Marten;

namespace EventCrm.Projections.Privacy;

public static class PrivacyConfiguration
{
    public static StoreOptions ConfigurePrivacy(this StoreOptions opts)
    {
        opts.Events.MapEventType<PersonalDataErased>(PersonalData.ErasedEventType);
        // Which customers were erased lately, for the nodes that hold names in memory (ErasureLog).
        opts.Storage.ExtendedSchemaObjects.Add(ErasureLog.Table(opts.DatabaseSchemaName));
        // Marten's own masking rules, the same functions the erasure endpoint applies: so that
        // store.Advanced.ApplyEventDataMasking(...) (an operator's bulk erasure) masks exactly the same fields.
        // (Unlike the endpoint, it masks free text also in events sealed before free text was sealed
        // by its hash, 2026-12-05: their audit chain then no longer verifies. docs/privacy.md.)
        opts.Events.AddMaskingRuleForProtectedInformation<LeadCaptured>(PersonalData.EraseAll);
        opts.Events.AddMaskingRuleForProtectedInformation<SignedUp>(PersonalData.EraseAll);
        opts.Events.AddMaskingRuleForProtectedInformation<SupportCallLogged>(PersonalData.EraseAll);
        opts.Events.AddMaskingRuleForProtectedInformation<VisitMade>(PersonalData.EraseAll);
        opts.Events.AddMaskingRuleForProtectedInformation<CancellationRequested>(PersonalData.EraseAll);
        opts.Events.AddMaskingRuleForProtectedInformation<CancellationWithdrawn>(PersonalData.EraseAll);
        opts.Events.AddMaskingRuleForProtectedInformation<CustomerChurned>(PersonalData.EraseAll);
        return opts;
    }
}
