using System.Text.RegularExpressions;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;

namespace EventCrm.Host.Schema;

/// <summary>
/// What the schema migration at start is about to change, one log line per table or object ("Applying schema change
/// in eventcrm: Update eventcrm.portfolio_valuations: alter table ... add column ledger_progress jsonb"), or one line
/// saying it is up to date: the operator of an upgrade or a rollback reads what it did to the database.
/// </summary>
public static partial class SchemaChanges
{
    private const int MaxStatementLength = 400;

    public static void Log(SchemaMigration migration, string database, ILogger logger)
    {
        var changes = migration.Deltas.Where(d => d.Difference != SchemaPatchDifference.None).ToList();
        if (changes.Count == 0)
        {
            logger.LogInformation("Schema of {Database} up to date: nothing to apply at start", database);
            return;
        }
        var migrator = new PostgresqlMigrator();
        foreach (var delta in changes)
        {
            var sql = new StringWriter();
            try
            {
                // As Weasel's own apply writes it: a delta's update is the change to an object that exists. A function's
                // dereferences the one found in the database (a NullReferenceException for every function of a
                // first start, which cut the log short and read as a failed index build).
                if (delta.Difference == SchemaPatchDifference.Create) delta.SchemaObject.WriteCreateStatement(migrator, sql);
                else delta.WriteUpdate(migrator, sql);
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
            {
                // An invalid delta: Marten's apply reports it itself.
                sql.Write($"(no statement: {e.Message})");
            }
            var statement = Whitespace().Replace(sql.ToString(), " ").Trim();
            if (statement.Length > MaxStatementLength) statement = statement[..MaxStatementLength] + " ...";
            logger.LogInformation("Applying schema change in {Database}: {Difference} {Object}: {Statement}",
                database, delta.Difference, delta.SchemaObject.Identifier.QualifiedName, statement);
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
