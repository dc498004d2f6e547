using EventCrm.Relationship.Value;
using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Values;

public static class ValuesConfiguration
{
    public static StoreOptions ConfigureValues(this StoreOptions opts) => opts.ConfigureLedgers(new CustomerLedgerProjection()).ConfigureValueCheckpoints();

    /// <summary>Value checkpoints every 1,000 events of a customer (docs/value.md, "Reads of large accounts"), written by the reads that need them; read by customer.</summary>
    public static StoreOptions ConfigureValueCheckpoints(this StoreOptions opts)
    {
        opts.Schema.For<ValueCheckpoint>().Index(c => c.CustomerId);
        return opts;
    }

    /// <summary>
    /// The ledgers' documents and their projection. A blue/green rebuild registers the same
    /// projection under another name in a side store, so both builds map the documents alike.
    /// </summary>
    public static StoreOptions ConfigureLedgers(this StoreOptions opts, CustomerLedgerProjection projection)
    {
        opts.Schema.For<CustomerLedger>().Identity(l => l.CustomerId);
        // Async: portfolio analytics tolerate a second of lag; appends must not pay for it.
        opts.Projections.Add(projection, ProjectionLifecycle.Async);
        return opts;
    }
}
