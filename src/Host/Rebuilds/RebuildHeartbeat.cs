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

    /// <summary>Why a rebuild still recorded as running is not, when the process running it no longer holds its claim (<see cref="RebuildClaims"/>).</summary>
    public static string Ended(ProjectionRebuild rebuild) =>
        $"interrupted: the process running it ({rebuild.Node}) has ended without finishing it (killed, or its host stopped); request the rebuild again";

    /// <summary>
    /// Why a rebuild ended when its process was stopped gracefully during it: a node (SIGTERM, a deploy's restart), or the
    /// <c>rebuild</c> command (Ctrl-C, SIGTERM). A blue/green rebuild drops its new build (the live documents stay); one in
    /// place has rewritten some profiles and not the others, each one a complete fold.
    /// </summary>
    public static string Stopped(ProjectionRebuild rebuild, bool inPlace, bool byCommand)
    {
        var who = byCommand
            ? $"the rebuild command running it ({rebuild.Node}) was stopped (Ctrl-C or SIGTERM) during the rebuild"
            : $"the node running it ({rebuild.Node}) was shut down during the rebuild";
        var again = byCommand ? "run it again" : "ask again";
        return inPlace
            ? $"stopped: {who}, having rebuilt the profiles of {rebuild.CustomersRebuilt ?? 0} of {rebuild.Customers ?? 0} customers; the others are not " +
              $"rebuilt yet, and every profile is complete (rebuilt, or as the previous code folded it); {again} to rebuild them all"
            : $"stopped: {who}, whose new build was dropped (the live documents stay); {again}";
    }

    private static async Task BeatAsync(IDocumentStore store, string projection, TimeProvider clock, ILogger logger, TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await RecordAsync(store, projection, "heartbeatAt", clock.GetUtcNow(), stop);
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

    /// <summary>Sets one field of the rebuild's record, only while it is still rebuilding: a stamp must never write over the outcome.</summary>
    public static async Task RecordAsync(IDocumentStore store, string projection, string field, object value, CancellationToken ct)
    {
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_{nameof(ProjectionRebuild).ToLowerInvariant()}";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"update {table} set data = jsonb_set(data, @path, to_jsonb(@value)) where id = @id and data ->> 'state' = @rebuilding", connection);
        command.Parameters.AddWithValue("path", new[] { field });
        command.Parameters.AddWithValue("value", value);
        command.Parameters.AddWithValue("id", projection);
        command.Parameters.AddWithValue("rebuilding", RebuildStates.Rebuilding);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
    }
}
