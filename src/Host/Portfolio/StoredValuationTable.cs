using EventCrm.Projections.Schema;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// One row per stored valuation of the base, in the home database: its figures (<see cref="StoredValuationFigures"/>,
/// no name nor email) and what they were valued under, so that a node starting over the base answers from it at once
/// instead of waiting for its own first valuation. A row valued under another formula, shape, layout of databases or fit
/// of the model is never read, nor one older than <c>Portfolio:StoredValuationMaxAge</c> (<see cref="StoredValuations"/>).
/// </summary>
public static class StoredValuationTable
{
    public const string TableName = "portfolio_valuations";

    public static Table Table(string schema)
    {
        var table = new OwnTable(schema, TableName);
        // The valuation's own time, which the answers from it carry.
        table.AddColumn("as_of", "timestamp with time zone").AsPrimaryKey();
        table.AddColumn("stored_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        table.AddColumn<int>("shape").NotNull();
        // The formula in force when it was valued, as StoredValuations.FormulaKeyOf writes it (name@version and parameters).
        table.AddColumn<string>("formula").NotNull();
        // The databases the customers were read from (CustomerDatabases.TenantIds).
        table.AddColumn<string>("layout").NotNull();
        // When the model it was valued with was fitted (null: none was, the defaults): a row of an earlier fit is not read.
        table.AddColumn("model_fitted_at", "timestamp with time zone").AllowNulls();
        table.AddColumn<int>("customers").NotNull();
        table.AddColumn("figures", "bytea").NotNull();
        // The customers it could not value, by why (PortfolioNotValued, as JSON); null in rows stored before it was kept.
        table.AddColumn("not_valued", "jsonb").AllowNulls();
        // How far the ledgers had folded the log when it was valued (LedgerProgress, as JSON); null in rows stored before it was kept.
        table.AddColumn("ledger_progress", "jsonb").AllowNulls();
        return table;
    }
}
