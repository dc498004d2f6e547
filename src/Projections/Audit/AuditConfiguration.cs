using Marten;

namespace EventCrm.Projections.Audit;

public static class AuditConfiguration
{
    public static StoreOptions ConfigureAudit(this StoreOptions opts)
    {
        opts.Storage.ExtendedSchemaObjects.Add(AuditStorage.Table(opts.DatabaseSchemaName));
        opts.Storage.ExtendedSchemaObjects.Add(AuditStorage.KeysTable(opts.DatabaseSchemaName));
        opts.Projections.Subscribe(new AuditSealSubscription());
        return opts;
    }
}
