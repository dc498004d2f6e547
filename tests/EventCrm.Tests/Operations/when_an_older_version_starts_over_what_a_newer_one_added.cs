using EventCrm.Projections.Schema;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Weasel.Postgresql.Tables;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A rollback: the version running now starts over tables a newer version has added to (a column and an
/// index of the service's own tables). Weasel's migration dropped both, at the start and again at the
/// `rebuild` and `import` commands' apply, so going forward again found the newer version's data gone.
/// They stay; what this version itself misses is still added.
/// </summary>
public class when_an_older_version_starts_over_what_a_newer_one_added
{
    private const string Schema = "eventcrm_rollback";

    [Fact]
    public async Task the_columns_and_indexes_it_does_not_know_are_kept_with_their_values_and_its_own_missing_column_is_added()
    {
        await DataCommandLine.DropSchema(Schema);
        await using (var first = await AppFixture.StartHost(Schema))
        {
        }
        // What a newer version would have done: a column with a value in one row, an index on it, in two tables.
        await DataCommandLine.Execute($"alter table {Schema}.portfolio_valuations add column later_figure integer");
        await DataCommandLine.Execute($"create index ix_portfolio_valuations_later on {Schema}.portfolio_valuations (later_figure)");
        await DataCommandLine.Execute($"insert into {Schema}.portfolio_valuations (as_of, shape, formula, layout, customers, figures, later_figure) " +
                                      "values ('2026-01-01T00:00:00Z', 1, 'f', 'l', 3, '\\x00', 7)");
        await DataCommandLine.Execute($"alter table {Schema}.audit_seals add column later_flag boolean not null default true");
        // And a column of this version missing, as in a table written before this version added it.
        await DataCommandLine.Execute($"alter table {Schema}.portfolio_valuations drop column ledger_progress");

        var logs = new CapturedLogs();
        await using (var older = await AppFixture.StartHost(Schema, logs))
        {
            // The apply the commands run before their work (rebuild, import, seed-demo), after the start's own.
            var store = older.Services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            // A table added later keeps what it does not know only if it is declared the same way.
            ((StoreOptions)store.Options).Storage.ExtendedSchemaObjects.OfType<Table>().Where(table => table is not OwnTable)
                .Select(table => table.Identifier.QualifiedName).ShouldBeEmpty("declare the service's own tables as OwnTable");
        }

        // The start says what it applied: the one column it missed, and nothing dropped.
        var applied = logs.Since(0).Select(entry => entry.Message).Where(m => m.StartsWith("Applying schema change")).ToList();
        applied.ShouldContain(m => m.Contains($"{Schema}.portfolio_valuations") && m.Contains("add column ledger_progress"));
        applied.ShouldNotContain(m => m.Contains("drop", StringComparison.OrdinalIgnoreCase));

        (await ColumnCount("portfolio_valuations", "later_figure")).ShouldBe(1L);
        (await DataCommandLine.Count($"select count(*) from {Schema}.portfolio_valuations where later_figure = 7")).ShouldBe(1L);
        (await DataCommandLine.Count($"select count(*) from pg_indexes where schemaname = '{Schema}' and indexname = 'ix_portfolio_valuations_later'")).ShouldBe(1L);
        (await ColumnCount("audit_seals", "later_flag")).ShouldBe(1L);
        (await ColumnCount("portfolio_valuations", "ledger_progress")).ShouldBe(1L);
        // Dropped columns stay in pg_attribute, renamed: none was dropped but the one this scenario dropped itself.
        (await DataCommandLine.Count($"select count(*) from pg_attribute where attrelid in ('{Schema}.portfolio_valuations'::regclass, '{Schema}.audit_seals'::regclass) " +
                                     "and attisdropped")).ShouldBe(1L);

        await DataCommandLine.DropSchema(Schema);
    }

    private static Task<long> ColumnCount(string table, string column) =>
        DataCommandLine.Count($"select count(*) from information_schema.columns where table_schema = '{Schema}' and table_name = '{table}' and column_name = '{column}'");
}
