using Marten;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// While a node rebuilds a projection, it stamps the rebuild's record every
/// <see cref="Every"/>. A record still "rebuilding" with no stamp for <see cref="GivenUpAfter"/>
/// belongs to a node that stopped without saying so (killed, lost its machine): the status then
/// reports the rebuild as failed instead of rebuilding forever.
/// </summary>
public sealed class RebuildHeartbeat : IAsyncDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan GivenUpAfter = TimeSpan.FromMinutes(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    private RebuildHeartbeat(IDocumentStore store, string projection, TimeProvider clock, ILogger logger, TimeSpan every) =>
        _beating = BeatAsync(store, projection, clock, logger, every, _stop.Token);

    public static RebuildHeartbeat Start(IDocumentStore store, string projection, TimeProvider clock, ILogger logger, TimeSpan? every = null) =>
        new(store, projection, clock, logger, every ?? Every);

    /// <summary>Why a rebuild still recorded as running is not, or null while its node shows signs of life.</summary>
    public static string? Abandoned(ProjectionRebuild rebuild, DateTimeOffset now) =>
        rebuild.State == RebuildStates.Rebuilding && (rebuild.HeartbeatAt ?? rebuild.StartedAt) is var lastSign && now - lastSign > GivenUpAfter
            ? $"interrupted: node {rebuild.Node} has shown no sign of the rebuild since {lastSign:O} (it stopped or lost its database); request the rebuild again"
            : null;

    private static async Task BeatAsync(IDocumentStore store, string projection, TimeProvider clock, ILogger logger, TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every, clock);
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_{nameof(ProjectionRebuild).ToLowerInvariant()}";
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await using var connection = store.Storage.Database.CreateConnection();
                    await connection.OpenAsync(stop);
                    // Only a record still rebuilding: the stamp must never write over the outcome.
                    await using var command = new NpgsqlCommand(
                        $"update {table} set data = jsonb_set(data, '{{heartbeatAt}}', to_jsonb(@now)) where id = @id and data ->> 'state' = @rebuilding", connection);
                    command.Parameters.AddWithValue("now", clock.GetUtcNow());
                    command.Parameters.AddWithValue("id", projection);
                    command.Parameters.AddWithValue("rebuilding", RebuildStates.Rebuilding);
                    await command.ExecuteNonQueryAsync(stop);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Could not record that the rebuild of {Projection} is alive; the next beat tries again", projection);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
    }
}
