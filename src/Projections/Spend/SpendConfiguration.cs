using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Spend;

public static class SpendConfiguration
{
    public static StoreOptions ConfigureSpend(this StoreOptions opts)
    {
        opts.Schema.For<SpendCell>();
        opts.Schema.For<CustomerSpend>();
        // Async: an analytics table; appends must not pay for it, and a lag of a second is fine.
        opts.Projections.Add(new SpendByCategoryProjection(), ProjectionLifecycle.Async);
        return opts;
    }
}
