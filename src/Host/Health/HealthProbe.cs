using EventCrm.Host.Reliability;
using Marten;

namespace EventCrm.Host.Health;

public enum HealthVerdict { Healthy, PoolFull, Unavailable }

/// <summary>
/// What /health finds: the databases answer through the service's pool; or they answer, but every
/// connection of the pool is in use (long exports, say), so that this node serves nothing that needs
/// the database; or they do not answer. A full pool used to be told as "the database did not answer"
/// while the database answered at once to anyone else.
/// </summary>
public static class HealthProbe
{
    /// <summary>A pooled ping that has not answered by then is waiting for a connection, or for a silent database: ask outside the pool too.</summary>
    public static readonly TimeSpan OutsideThePoolAfter = TimeSpan.FromMilliseconds(500);

    public static async Task<(HealthVerdict Verdict, Exception? Error)> AskAsync(IDocumentStore store, CancellationToken ct)
    {
        var pooled = DatabasePing.EveryDatabase(store, DatabasePing.Patience, ct);
        Task? outside = null;
        // Asked alongside, not after, so that the answer still comes within the pooled ping's patience.
        if (await Task.WhenAny(pooled, Task.Delay(OutsideThePoolAfter, ct)) != pooled)
            outside = DatabasePing.EveryDatabaseOutsideThePool(store, DatabasePing.Patience - OutsideThePoolAfter, ct);
        try
        {
            await pooled;
            return (HealthVerdict.Healthy, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var waitedForThePool = DatabaseFaults.IsPoolExhausted(e) || e is DatabaseDidNotAnswerException;
            return (waitedForThePool && outside is not null && await Answered(outside) ? HealthVerdict.PoolFull : HealthVerdict.Unavailable, e);
        }
    }

    private static async Task<bool> Answered(Task ping)
    {
        try
        {
            await ping;
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
