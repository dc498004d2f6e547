using DbDataReader = System.Data.Common.DbDataReader;
using Weasel.Core;
using Weasel.Postgresql;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace EventCrm.Projections.Customers;

/// <summary>
/// <c>pg_trgm</c>, created as Weasel's <see cref="Extension"/> does, except that two stores migrating
/// one fresh database at once (their own schemas, so their own migration locks: test classes, the
/// bench) no longer fail: the loser of <c>CREATE EXTENSION IF NOT EXISTS</c>'s race gets a unique
/// violation on the extension's name, which here means the other one created it.
/// </summary>
public sealed class TrigramExtension : ISchemaObject
{
    private readonly Extension _weasels = new(CustomerIndexes.Trigrams);

    public DbObjectName Identifier => _weasels.Identifier;

    public void WriteCreateStatement(Migrator migrator, TextWriter writer) => writer.WriteLine($"""
        DO $$
        BEGIN
          CREATE EXTENSION IF NOT EXISTS {CustomerIndexes.Trigrams};
        EXCEPTION
          WHEN unique_violation OR duplicate_object THEN NULL;
        END
        $$;
        """);

    public void WriteDropStatement(Migrator migrator, TextWriter writer) => _weasels.WriteDropStatement(migrator, writer);

    public void ConfigureQueryCommand(DbCommandBuilder builder) => _weasels.ConfigureQueryCommand(builder);

    /// <summary>Ours, not Weasel's delta: a delta writes its own object's creation.</summary>
    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct) =>
        new SchemaObjectDelta(this, await reader.ReadAsync(ct) ? SchemaPatchDifference.None : SchemaPatchDifference.Create);

    public IEnumerable<DbObjectName> AllNames() => _weasels.AllNames();
}
