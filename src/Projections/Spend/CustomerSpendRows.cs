using Marten;

namespace EventCrm.Projections.Spend;

/// <summary>
/// Upserts a page's changed customer-spend documents in one statement over arrays, queued in the
/// daemon's transaction for the page. Marten's own store costs one upsert statement per document:
/// a page of 500 touchpoints was up to 500 statements for this table alone. The rows are the ones
/// Marten writes (data, a new version, the document type, the time of the transaction).
/// </summary>
internal static class CustomerSpendRows
{
    private static readonly string DocumentType = typeof(CustomerSpend).FullName!;

    public static void QueueUpsert(IDocumentOperations operations, IReadOnlyCollection<CustomerSpend> customers)
    {
        if (customers.Count == 0) return;
        var serializer = operations.DocumentStore.Options.Serializer();
        var table = $"{operations.DocumentStore.Options.DatabaseSchemaName}.mt_doc_{nameof(CustomerSpend).ToLowerInvariant()}";
        operations.QueueSqlCommand(
            $"insert into {table} (id, data, mt_version, mt_dotnet_type, mt_last_modified) " +
            "select u.id, u.data::jsonb, u.version, ?, transaction_timestamp() from unnest(?, ?, ?) u(id, data, version) " +
            "on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version, " +
            "mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified",
            DocumentType,
            customers.Select(c => c.Id).ToArray(),
            customers.Select(serializer.ToJson).ToArray(),
            customers.Select(_ => Guid.NewGuid()).ToArray());
    }
}
