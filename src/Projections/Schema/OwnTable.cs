using System.Data.Common;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Projections.Schema;

/// <summary>
/// A table of the service's own beside Marten's (the audit seals, the stored valuations ...), migrated
/// by adding only. Weasel's table delta drops every column, index and foreign key the configuration
/// does not name, so a rollback to an older version dropped what a newer one had added (the valuations'
/// <c>ledger_progress</c>), at its start and again at its <c>rebuild</c>: forward again, the data was gone.
/// Here what the database holds beyond the configuration is left out of the comparison: this version
/// and every later one add what they miss and keep the rest (docs/events.md, "Rolling back to an older
/// version"). A column this version stops writing must then allow nulls or have a default.
/// </summary>
public sealed class OwnTable(string schema, string name) : Table(new PostgresqlObjectName(schema, name, SchemaUtils.IdentifierUsage.General))
{
    public override async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        var delta = (TableDelta)await base.CreateDeltaAsync(reader, ct);
        if (delta.Actual is not { } actual) return delta;
        var extras = 0;
        foreach (var column in actual.Columns.Where(c => !HasColumn(c.Name)).ToList())
        {
            actual.RemoveColumn(column.Name);
            extras++;
        }
        foreach (var index in actual.Indexes.Where(i => !HasIndex(i.Name)).ToList())
        {
            actual.Indexes.Remove(index);
            extras++;
        }
        foreach (var key in actual.ForeignKeys.Where(k => !ForeignKeys.Any(own => own.Name.Equals(k.Name, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            actual.ForeignKeys.Remove(key);
            extras++;
        }
        return extras == 0 ? delta : new TableDelta(this, actual);
    }
}
