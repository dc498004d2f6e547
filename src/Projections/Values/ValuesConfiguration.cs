using EventCrm.Relationship.Value;
using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Values;

public static class ValuesConfiguration
{
    public static StoreOptions ConfigureValues(this StoreOptions opts)
    {
        opts.Schema.For<CustomerLedger>().Identity(l => l.CustomerId);
        // Async: portfolio analytics tolerate a second of lag; appends must not pay for it.
        opts.Projections.Add<CustomerLedgerProjection>(ProjectionLifecycle.Async);
        return opts;
    }
}
