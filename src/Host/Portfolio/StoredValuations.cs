using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Host.Sharding;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// A valuation of the base kept in the home database (<see cref="StoredValuationTable"/>), so that a node starting over the
/// base answers the portfolio routes from it at once, as of its own time, while it values the base afresh: without it a
/// request before the node's first valuation waited <c>Portfolio:FirstValuationWait</c> and got a 503 (some 5 minutes at a
/// million customers). A valuation is stored only when the last one stored is older than <c>Portfolio:StoreValuationEvery</c>
/// (tens of megabytes each) under the same formula and model, and read only if it was made under the formula and with the
/// model now in force, in this shape of the bytes and over these databases, and is no older than
/// <c>Portfolio:StoredValuationMaxAge</c>. A valuation made while the ledgers were still being built (not caught up,
/// <see cref="LedgerProgress"/>) is never stored: it would pass a part of the base to the next nodes. Neither storing nor loading ever fails a request: what goes wrong is logged and
/// the node values the base itself, as without it.
/// </summary>
public sealed class StoredValuations(CustomerDatabases databases, FormulaRegistryStore formulas, PortfolioModels models,
    ProfileIdentities identities, IDocumentStore store, IConfiguration configuration, TimeProvider clock, ILogger<StoredValuations> logger)
{
    public const string StoredValuationKey = "Portfolio:StoredValuation";
    public const string StoreEveryKey = "Portfolio:StoreValuationEvery";
    public const string MaxAgeKey = "Portfolio:StoredValuationMaxAge";
    public static readonly TimeSpan DefaultStoreEvery = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(1);

    public static bool IsOn(IConfiguration configuration) => Settings.OnOff(configuration, StoredValuationKey, true);

    public static TimeSpan StoreEveryOf(IConfiguration configuration) => Settings.Duration(configuration, StoreEveryKey, DefaultStoreEvery);

    public static TimeSpan MaxAgeOf(IConfiguration configuration) => Settings.Duration(configuration, MaxAgeKey, DefaultMaxAge);

    private readonly bool _on = IsOn(configuration);

    /// <summary>Whether valuations are stored and read (<c>Portfolio:StoredValuation</c>).</summary>
    public bool Enabled => _on;
    private readonly TimeSpan _every = StoreEveryOf(configuration);
    private readonly TimeSpan _maxAge = MaxAgeOf(configuration);
    private readonly long _caughtUpWithin = LedgerProgress.CaughtUpWithinOf(configuration);
    private int _storing;

    /// <summary>The time of the last valuation this node stored, for the tests and the log.</summary>
    public DateTimeOffset? LastStoredAsOf { get; private set; }

    /// <summary>How a row names the formula it was valued under: its name, version and every parameter.</summary>
    public static string FormulaKeyOf(FormulaView formula) =>
        $"{formula.Name}@{formula.Version}(" + string.Join(",", formula.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}")) + ")";

    private string Layout => string.Join(",", databases.TenantIds);

    /// <summary>
    /// Stores <paramref name="valued"/> unless one stored less than <c>StoreValuationEvery</c> before it (by any node) under the
    /// same formula and model is there with about as many customers: after a refit or a formula change, or once the base has
    /// a tenth more or fewer customers than the one stored, the valuation is stored at once. An empty base is not stored (a
    /// node values it at once; stored before a first load, it was answered after a restart as a base of no customers), nor
    /// one valued while the ledgers had not caught up with the log (the first start after a seed: 2 customers of thousands
    /// were stored and answered by the next nodes as the base). Never throws.
    /// </summary>
    public async Task StoreIfDueAsync(PortfolioSnapshot valued, CancellationToken ct)
    {
        if (!_on || valued.Customers.Count == 0) return;
        if (valued.LedgerProgress is { CaughtUp: false } behind)
        {
            logger.LogInformation("The portfolio valuation as of {AsOf} is not stored for starting nodes: the ledgers were {EventsBehind} events behind the log when it began ({Key} {Within})",
                valued.AsOf, behind.EventsBehind, LedgerProgress.CaughtUpWithinKey, _caughtUpWithin);
            return;
        }
        if (Interlocked.Exchange(ref _storing, 1) == 1) return;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await using var connection = await OpenHomeAsync(ct);
            var formula = FormulaKeyOf(valued.Formula);
            if (await LatestStoredAsync(connection, formula, valued.ModelFittedAt, ct) is { } last && valued.AsOf - last.AsOf < _every
                && !ChangedByATenth(last.Customers, valued.Customers.Count)) return;
            var figures = StoredValuationFigures.Encode(valued.Customers);
            await WriteAsync(connection, valued, formula, figures, ct);
            LastStoredAsOf = valued.AsOf;
            logger.LogInformation("Portfolio valuation as of {AsOf} stored for starting nodes: {Customers} customers in {Kilobytes} kB, in {Seconds:0.00} s",
                valued.AsOf, valued.Customers.Count, figures.Length / 1000, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Storing the portfolio valuation as of {AsOf} failed; a node starting meanwhile answers from an older one or values the base first", valued.AsOf);
        }
        finally
        {
            Volatile.Write(ref _storing, 0);
        }
    }

    /// <summary>
    /// The last stored valuation made under the formula and with the model now in force, in this shape and over these
    /// databases, if no older than <c>StoredValuationMaxAge</c>, with the names and emails the profiles have now; null when
    /// there is none, or it cannot be read (logged): never throws.
    /// </summary>
    public async Task<PortfolioSnapshot?> LoadAsync(CancellationToken ct)
    {
        if (!_on) return null;
        DateTimeOffset? asOf = null;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var formula = FormulaView.Of((await formulas.LoadAsync(ct)).InForceAt(null).Formula);
            // A row made with an earlier fit holds the values (current and potential) of a model no longer in force.
            var model = (await models.KnownAtAsync(null, ct)).FittedAt;
            var key = FormulaKeyOf(formula);
            StoredRow? row = null;
            await using (var connection = await OpenHomeAsync(ct))
            {
                // Its time first: a row too old to answer from is not read (tens of megabytes).
                asOf = await LatestAsOfAsync(connection, key, model, ct);
                if (asOf is { } made && clock.GetUtcNow() - made > _maxAge)
                {
                    logger.LogInformation("The stored portfolio valuation as of {AsOf} is older than {Key} ({MaxAge:c}) and is ignored: this node answers once it has valued the base",
                        made, MaxAgeKey, _maxAge);
                    return null;
                }
                if (asOf is not null) row = await LatestAsync(connection, key, model, ct);
            }
            if (row is null)
            {
                logger.LogInformation("No stored portfolio valuation under {Formula} with the model fitted at {ModelFittedAt} over databases {Layout}: this node answers once it has valued the base",
                    key, model?.ToString("O") ?? "(none: the defaults)", Layout);
                return null;
            }
            asOf = row.AsOf;
            var read = Stopwatch.GetElapsedTime(started);
            // The names (and channels) are read from the database while the figures are decoded here.
            var reading = identities.ReadAsync(ct);
            var customers = StoredValuationFigures.Decode(row.Figures);
            var (names, horizons) = await reading;
            var named = customers.Select(c => names.TryGetValue(c.CustomerId, out var now) ? c with { Name = now.Name, Email = now.Email, Channel = now.Channel } : c).ToList();
            var identified = Stopwatch.GetElapsedTime(started);
            var loaded = PortfolioSnapshot.Of(row.AsOf, formula, row.ModelFittedAt, named, horizons, row.NotValued, row.LedgerProgress);
            logger.LogInformation("Answering the portfolio from the valuation stored as of {AsOf} until this node's own is made: {Customers} customers, " +
                                  "{Kilobytes} kB read in {Read:0.00} s, decoded and named in {Named:0.00} s, ranked in {Ranked:0.00} s",
                row.AsOf, named.Count, row.Figures.Length / 1000, read.TotalSeconds, (identified - read).TotalSeconds,
                (Stopwatch.GetElapsedTime(started) - identified).TotalSeconds);
            return loaded;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The stored portfolio valuation as of {AsOf} could not be read and is ignored: this node answers once it has valued the base", asOf);
            return null;
        }
    }

    private sealed record StoredRow(DateTimeOffset AsOf, DateTimeOffset? ModelFittedAt, byte[] Figures, PortfolioNotValued? NotValued, LedgerProgress? LedgerProgress);

    private async Task<NpgsqlConnection> OpenHomeAsync(CancellationToken ct)
    {
        var connection = (await databases.DatabaseIn(databases.HomeTenantId)).CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    private string Table => $"{store.Options.DatabaseSchemaName}.{StoredValuationTable.TableName}";

    private async Task<DateTimeOffset?> LatestAsOfAsync(NpgsqlConnection connection, string formula, DateTimeOffset? model, CancellationToken ct) =>
        (await LatestStoredAsync(connection, formula, model, ct))?.AsOf;

    private async Task<(DateTimeOffset AsOf, int Customers)?> LatestStoredAsync(NpgsqlConnection connection, string formula, DateTimeOffset? model, CancellationToken ct)
    {
        await using var command = Matching(connection, $"select as_of, customers from {Table}", formula, model, "order by as_of desc limit 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1)) : null;
    }

    private static bool ChangedByATenth(int stored, int now) => Math.Abs(now - stored) >= Math.Max(1, stored / 10);

    private async Task<StoredRow?> LatestAsync(NpgsqlConnection connection, string formula, DateTimeOffset? model, CancellationToken ct)
    {
        await using var command = Matching(connection, $"select as_of, model_fitted_at, figures, not_valued, ledger_progress from {Table}", formula, model, "order by as_of desc limit 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new StoredRow(reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.GetFieldValue<byte[]>(2), reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<PortfolioNotValued>(reader.GetString(3)),
            reader.IsDBNull(4) ? null : JsonSerializer.Deserialize<LedgerProgress>(reader.GetString(4)));
    }

    /// <param name="model">When the model was fitted (null: none was, the defaults): a row of another fit is another valuation.</param>
    private NpgsqlCommand Matching(NpgsqlConnection connection, string select, string formula, DateTimeOffset? model, string then = "")
    {
        var command = connection.CreateCommand();
        command.CommandText = $"{select} where shape = @shape and formula = @formula and layout = @layout " +
                              $"and model_fitted_at is not distinct from @model_fitted_at {then}";
        command.Parameters.AddWithValue("shape", StoredValuationFigures.Shape);
        command.Parameters.AddWithValue("formula", formula);
        command.Parameters.AddWithValue("layout", Layout);
        command.Parameters.AddWithValue("model_fitted_at", NpgsqlDbType.TimestampTz, (object?)model?.ToUniversalTime() ?? DBNull.Value);
        return command;
    }

    private async Task WriteAsync(NpgsqlConnection connection, PortfolioSnapshot valued, string formula, byte[] figures, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"insert into {Table} (as_of, shape, formula, layout, model_fitted_at, customers, figures, not_valued, ledger_progress) " +
                                 "values (@as_of, @shape, @formula, @layout, @model_fitted_at, @customers, @figures, @not_valued, @ledger_progress) on conflict (as_of) do nothing";
            insert.Parameters.AddWithValue("as_of", valued.AsOf.ToUniversalTime());
            insert.Parameters.AddWithValue("shape", StoredValuationFigures.Shape);
            insert.Parameters.AddWithValue("formula", formula);
            insert.Parameters.AddWithValue("layout", Layout);
            insert.Parameters.AddWithValue("model_fitted_at", NpgsqlDbType.TimestampTz, (object?)valued.ModelFittedAt?.ToUniversalTime() ?? DBNull.Value);
            insert.Parameters.AddWithValue("customers", valued.Customers.Count);
            insert.Parameters.AddWithValue("figures", NpgsqlDbType.Bytea, figures);
            insert.Parameters.AddWithValue("not_valued", NpgsqlDbType.Jsonb,
                valued.NotValued is { } notValued ? JsonSerializer.Serialize(notValued) : DBNull.Value);
            insert.Parameters.AddWithValue("ledger_progress", NpgsqlDbType.Jsonb,
                valued.LedgerProgress is { } ledger ? JsonSerializer.Serialize(ledger) : DBNull.Value);
            await insert.ExecuteNonQueryAsync(ct);
        }
        // Only the newest is ever read: the older ones (of any formula) would only take room.
        await using (var prune = connection.CreateCommand())
        {
            prune.CommandText = $"delete from {Table} where as_of < @as_of";
            prune.Parameters.AddWithValue("as_of", valued.AsOf.ToUniversalTime());
            await prune.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
