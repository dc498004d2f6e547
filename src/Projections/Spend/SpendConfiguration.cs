using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Spend;

public static class SpendConfiguration
{
    public static StoreOptions ConfigureSpend(this StoreOptions opts) => opts.ConfigureSpend(new SpendByCategoryProjection());

    /// <summary>The spend documents and their projection; a blue/green rebuild registers the projection under another name in a side store.</summary>
    public static StoreOptions ConfigureSpend(this StoreOptions opts, SpendByCategoryProjection projection)
    {
        opts.Schema.For<SpendCell>();
        opts.Schema.For<CustomerSpend>();
        // Async: an analytics table; appends must not pay for it, and a lag of a second is fine.
        opts.Projections.Add(projection, ProjectionLifecycle.Async);
        return opts;
    }
}
