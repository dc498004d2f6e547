using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Host.Models;
using Npgsql;

namespace EventCrm.Host.Replays;

public sealed partial class ReplayResultQueries
{
    /// <summary>The portfolio model the replay valued with: the refit known when it was asked for, or the defaults.</summary>
    public async Task<KnownModel> ModelAsync(ReplayRun run, CancellationToken ct) =>
        run.ModelFittedAt is { } fitted ? await models.KnownAtAsync(fitted, ct) : PortfolioModels.Defaults;

    /// <summary>
    /// A replayed customer's value after each touchpoint, worked out when asked from the log the
    /// replay covered (up to its end at the time of asking, in the customer's database) with the
    /// replay's formula, date and portfolio model: the log only grows, so this is what the replay
    /// itself would have stored.
    /// </summary>
    /// <param name="page">Which points of the history's total to value (<see cref="ValueReplay.HistoryPage"/>).</param>
    public async Task<(IReadOnlyList<ReplayedPoint> Points, int Total)> HistoryAsync(ReplayRun run, string customerId,
        Func<int, (int From, int To)> page, CancellationToken ct)
    {
        var model = (await ModelAsync(run, ct)).Model;
        var tenant = databases.TenantOf(customerId);
        var highWater = run.HighWaters?[databases.TenantIds.ToList().IndexOf(tenant)] ?? run.HighWater;
        var serializer = store.Options.Serializer();
        await using var connection = (await databases.DatabaseIn(tenant)).CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select type, data from {store.Options.Events.DatabaseSchemaName}.mt_events where stream_id = @id and seq_id <= @hw and not is_archived order by version", connection);
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("hw", highWater);
        var touchpoints = new List<ITouchpoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (TouchpointTypes.ByName.TryGetValue(reader.GetString(0), out var type) && serializer.FromJson(type, reader, 1) is ITouchpoint touchpoint)
                touchpoints.Add(touchpoint);
        return ValueReplay.HistoryPage(customerId, touchpoints, run.AsOf, run.Formula, model, page);
    }
}
