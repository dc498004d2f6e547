using EventCrm.Host.Health;
using EventCrm.Host.Sharding;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Which database of several a request could not reach, so that its 503 and a partial answer name it. An error
/// that names an address ("Failed to connect to 127.0.0.1:5472") says which; one that names none (a connection
/// that did not open within its 3 s, a statement the server never answered: a paused process) does not, and the
/// outage log's findings, else a ping of each database now, tell which.
/// </summary>
public sealed class DatabasesOutOfReach(IConfiguration configuration, CustomerDatabases databases, ILogger<DatabasesOutOfReach> logger, IServiceProvider services)
{
    private readonly IReadOnlyList<NamedDatabase> _all = DatabaseNames.Of(configuration);

    /// <summary>Whether customers are spread over several databases (<c>Tenancy:Databases</c>).</summary>
    public bool Several => databases.Sharded;

    /// <summary>The databases an outage's error is about: named by its text, else found out by the outage log, else silent to a ping now (3 s at most).</summary>
    public async Task<IReadOnlyList<NamedDatabase>> OfAsync(Exception exception, CancellationToken ct)
    {
        if (!Several) return [];
        if (DatabaseNames.NamedBy(exception, _all) is { Count: > 0 } byAddress) return byAddress;
        if (exception is DatabaseDidNotAnswerException { Database: { } silent }) return [silent];
        if (services.GetService<DatabaseOutageLog>()?.OutOfReach is { Count: > 0 } found) return found;
        var why = await NotAnsweringAsync(_all, ct);
        return _all.Where(d => why.ContainsKey(d.Id)).ToList();
    }

    /// <summary>
    /// Of the databases other than the home one (which holds what belongs to no customer: without it nothing is
    /// served), those that do not answer a ping within <see cref="DatabasePing.Patience"/>, by id, with why; asked
    /// in parallel. Each is logged with its error, which the outage log holds back and tells once, naming it.
    /// </summary>
    public Task<IReadOnlyDictionary<string, string>> OtherThanHomeAsync(CancellationToken ct) =>
        NotAnsweringAsync(_all.Where(d => d.Id != databases.HomeTenantId).ToList(), ct);

    private async Task<IReadOnlyDictionary<string, string>> NotAnsweringAsync(IReadOnlyList<NamedDatabase> asked, CancellationToken ct)
    {
        var answers = await Task.WhenAll(asked.Select(async database =>
        {
            // A pooled session the database ended (57P01 at a stop or a terminate) tells that it was ended, not why the database
            // is out now: the pool drops it, and a second ping opens a new session, which says (refused, not answering) or answers.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await DatabasePing.OneDatabase(await databases.DatabaseIn(database.Id), DatabasePing.Patience, ct, database);
                    return (database.Id, Why: (string?)null);
                }
                catch (Exception e) when (DatabaseFaults.IsOutage(e) && !(attempt == 1 && DatabaseFaults.IsSessionEndedEarlier(e)))
                {
                    LeftOut(database.Id, e);
                    return (database.Id, Why: WhyOf(e));
                }
                catch (Exception e) when (DatabaseFaults.IsOutage(e))
                {
                    // the session ended earlier: once more
                }
            }
        }));
        return answers.Where(a => a.Why is not null).ToDictionary(a => a.Id, a => a.Why!);
    }

    /// <summary>The database of this id ("db1"), as the lines name it; null over one database.</summary>
    public NamedDatabase? Named(string id) => Several ? _all.FirstOrDefault(d => d.Id == id) : null;

    /// <summary>
    /// A read of a database of several found it out of reach, and leaves it out of its answer: said in the log with its
    /// error, which the outage log holds back and tells once, naming the database (<see cref="DatabaseOutageLog"/>).
    /// </summary>
    public void LeftOut(string id, Exception exception) =>
        logger.LogWarning(exception, "{Database} left out of a read: {Error}", (object?)Named(id) ?? id, DatabaseOutageLog.Describe(exception));

    /// <summary>Why a database is out of reach, in words a client may read: Npgsql's message and its cause, no stack trace.</summary>
    public static string WhyOf(Exception exception) => DatabaseOutageLog.Describe(exception);

    /// <summary>"database db1 of Tenancy:Databases", "databases db0 and db1 of Tenancy:Databases": the ids a client's answer names, not where they are.</summary>
    public static string? ForClients(IReadOnlyList<NamedDatabase> named) => named switch
    {
        [] => null,
        [var one] => $"database {one.Id} of {TenancySettings.Section}",
        _ => $"databases {string.Join(" and ", named.Select(d => d.Id))} of {TenancySettings.Section}",
    };
}
