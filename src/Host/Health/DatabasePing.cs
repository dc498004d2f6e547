using EventCrm.Host.Reliability;
using Marten;

namespace EventCrm.Host.Health;

/// <summary>A <c>select 1</c> on every database of the store: what /health and the outage watch ask.</summary>
public static class DatabasePing
{
    /// <summary>How long /health and the outage watch wait for the databases' answers.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Returns when every database answered within <paramref name="patience"/>; throws what the first
    /// one that did not answer threw, or <see cref="DatabaseDidNotAnswerException"/> when none said
    /// anything in time. Npgsql gives a query up seconds after it is cancelled (it asks the server to
    /// cancel it, and waits for that): the caller is answered at once, and the ping ends without it.
    /// </summary>
    public static async Task EveryDatabase(IDocumentStore store, TimeSpan patience, CancellationToken ct)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ping = EveryDatabase(store, giveUp.Token);
        // A ping given up ends without its caller: its error, when it comes, is observed here.
        _ = ping.ContinueWith(static given => given.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        try
        {
            await ping.WaitAsync(patience, ct);
        }
        catch (TimeoutException) when (!ping.IsCompleted)
        {
            await giveUp.CancelAsync();
            throw new DatabaseDidNotAnswerException(patience);
        }
    }

    private static async Task EveryDatabase(IDocumentStore store, CancellationToken ct)
    {
        foreach (var database in await store.Storage.AllDatabases())
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var ping = connection.CreateCommand();
            ping.CommandText = "select 1";
            await ping.ExecuteScalarAsync(ct);
        }
    }
}
