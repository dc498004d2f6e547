using EventCrm.Relationship.Retention;
using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Retention;

public static class RetentionCasesConfiguration
{
    public static StoreOptions ConfigureRetentionCases(this StoreOptions opts) => opts.ConfigureRetentionCases(new RetentionCasesProjection());

    /// <summary>The retention cases and their projection; a blue/green rebuild registers the projection under another name in a side store.</summary>
    public static StoreOptions ConfigureRetentionCases(this StoreOptions opts, RetentionCasesProjection projection)
    {
        // The report over a period reads the clients whose decisions span it: both bounds indexed, in columns of their own.
        opts.Schema.For<RetentionCases>().Identity(c => c.CustomerId)
            .Duplicate(c => c.FirstDecidedAt)
            .Duplicate(c => c.LastDecidedAt);
        // Async: a report for the manager; appends must not pay for it, and a lag of a second is fine.
        opts.Projections.Add(projection, ProjectionLifecycle.Async);
        return opts;
    }
}
