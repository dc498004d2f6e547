using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using Marten;

namespace EventCrm.Projections.Privacy;

public static class PrivacyConfiguration
{
    public static StoreOptions ConfigurePrivacy(this StoreOptions opts)
    {
        opts.Events.MapEventType<PersonalDataErased>(PersonalData.ErasedEventType);
        // Marten's own masking rules, the same functions the erasure endpoint applies: so that
        // store.Advanced.ApplyEventDataMasking(...) (an operator's bulk erasure) masks exactly the same fields.
        opts.Events.AddMaskingRuleForProtectedInformation<LeadCaptured>(PersonalData.Erase);
        opts.Events.AddMaskingRuleForProtectedInformation<SignedUp>(PersonalData.Erase);
        return opts;
    }
}
