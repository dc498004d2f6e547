using EventCrm.Relationship.Value;
using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Values;

public static class ValuesConfiguration
{
    public static StoreOptions ConfigureValues(this StoreOptions opts) => opts.ConfigureLedgers(new CustomerLedgerProjection());

    /// <summary>
    /// The ledgers' documents and their projection. A blue/green rebuild registers the same
    /// projection under another name in a side store, so both builds map the documents alike.
    /// </summary>
    public static StoreOptions ConfigureLedgers(this StoreOptions opts, CustomerLedgerProjection projection)
    {
        // Numeric revisions (the stream's version), as Marten maps the document of a stream aggregation:
        // the ledgers' table keeps the shape it had when Marten's aggregation wrote it.
        opts.Schema.For<CustomerLedger>().Identity(l => l.CustomerId).UseNumericRevisions(true);
        // Async: portfolio analytics tolerate a second of lag; appends must not pay for it.
        opts.Projections.Add(projection, ProjectionLifecycle.Async);
        return opts;
    }
}
