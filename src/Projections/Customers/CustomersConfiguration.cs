using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Projections.Customers;

public static class CustomersConfiguration
{
    public static StoreOptions ConfigureCustomers(this StoreOptions opts)
    {
        // Inline: the ingestion path decides on the profile, so it must never lag the stream.
        opts.Projections.Add<CustomerProfileProjection>(ProjectionLifecycle.Inline);
        return opts.IndexCustomerProfiles();
    }
}
