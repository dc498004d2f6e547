using Marten;

namespace EventCrm.Projections.Documents;

/// <summary>
/// Upserts a page's changed documents of one type in one statement over arrays, queued in the
/// daemon's transaction for the page. Marten's own store costs one upsert statement per document:
/// a page of 500 touchpoints was up to 500 statements per document table. The rows are the ones
/// Marten writes (data, version, the document type, the time of the transaction), in the table the
/// store maps the type to (a side build's store maps it to its own schema).
/// </summary>
internal static class DocumentRows
{
    public static void QueueUpsert<TDocument, TVersion>(IDocumentOperations operations, IReadOnlyCollection<TDocument> documents,
        Func<TDocument, string> idOf, Func<TDocument, TVersion> versionOf) where TDocument : notnull
    {
        if (documents.Count == 0) return;
        var options = operations.DocumentStore.Options;
        var serializer = options.Serializer();
        var table = options.FindOrResolveDocumentType(typeof(TDocument)).TableName.QualifiedName;
        operations.QueueSqlCommand(
            $"insert into {table} (id, data, mt_version, mt_dotnet_type, mt_last_modified) " +
            "select u.id, u.data::jsonb, u.version, ?, transaction_timestamp() from unnest(?, ?, ?) u(id, data, version) " +
            "on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version, " +
            "mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified",
            typeof(TDocument).FullName!,
            documents.Select(idOf).ToArray(),
            documents.Select(d => serializer.ToJson(d)).ToArray(),
            documents.Select(versionOf).ToArray());
    }
}
