using EventCrm.Host.Health;
using EventCrm.Host.Sharding;
using Marten;

namespace EventCrm.Host.Reliability;

/// <summary>
/// While the log holds an outage open (<see cref="DatabaseOutageLog"/>), asks every database each
/// second whether it answers again, and has the reminders written meanwhile. Nothing else in the
/// service says when the database is back: the libraries simply stop failing.
/// </summary>
public sealed class DatabaseOutageWatch(DatabaseOutageLog outage, IDocumentStore store, CustomerDatabases databases) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(Every);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                if (!outage.IsOut) continue;
                if (await Answers(stoppingToken))
                {
                    if (outage.MayHaveEndedSessions) await ForgetSessionsTheOutageEnded();
                    outage.Ended();
                }
                else outage.RemindIfDue();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the service stops
        }
    }

    /// <summary>
    /// A stopped database ended every session, the pooled ones too, and Npgsql finds that out only
    /// when it next uses one: a connection idle in the pool through the outage would fail at its next
    /// use, after the line saying the database is back. Cleared now, the store's pools (Wolverine
    /// uses the store's) open new ones instead; a busy connection is closed when it comes back. Not
    /// after an outage that was only a full pool: its connections are sound.
    /// </summary>
    private async Task ForgetSessionsTheOutageEnded()
    {
        foreach (var database in await store.Storage.AllDatabases())
            if (database is Marten.Storage.MartenDatabase { DataSource: { } pooled }) pooled.Clear();
    }

    /// <summary>
    /// Whether every database answers; those that do not are told to the log by their ids, so that with
    /// several databases the outage names the one out (an error such as 57P01 does not say which).
    /// </summary>
    private async Task<bool> Answers(CancellationToken ct)
    {
        var answers = await Task.WhenAll(databases.TenantIds.Select(async tenant => (Tenant: tenant, Error: await AnswersAsync(tenant, ct))));
        var silent = answers.Where(a => a.Error is not null).Select(a => a.Tenant).ToList();
        if (silent.Count > 0) outage.Silent(silent);
        // Only a database that said nothing, in an outage the database itself caused: a full pool of this node (its
        // sessions sound, every one in use) also leaves a ping unanswered, and its idle sessions are no fault.
        if (outage.MayHaveEndedSessions)
            foreach (var (tenant, error) in answers)
                if (error is not null && DatabaseFaults.IsSilent(error) && !DatabaseFaults.IsPoolExhausted(error)) await ForgetIdleSessionsOf(tenant);
        return silent.Count == 0;
    }

    /// <summary>
    /// A database that says nothing (a paused process) keeps the sessions pooled before it went silent, and a
    /// request handed one waits out the command timeout and the cancellation of its statement (30 s and more)
    /// before it is refused. Its idle sessions are closed instead, so that a request opens a new one and is refused
    /// as the database is out, within the connect timeout (3 s); a session in use is closed when it comes back.
    /// </summary>
    private async Task ForgetIdleSessionsOf(string tenant)
    {
        if (await databases.DatabaseIn(tenant) is Marten.Storage.MartenDatabase { DataSource: { } pooled }) pooled.Clear();
    }

    /// <summary>Null when the database answers; else what its ping met.</summary>
    private async Task<Exception?> AnswersAsync(string tenant, CancellationToken ct)
    {
        try
        {
            await DatabasePing.OneDatabase(await databases.DatabaseIn(tenant), DatabasePing.Patience, ct);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Still out: the ping's patience (3 s) bounds how long asking takes, also when the database says nothing.
            return e;
        }
    }
}
