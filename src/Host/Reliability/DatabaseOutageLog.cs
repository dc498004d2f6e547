using Npgsql;

namespace EventCrm.Host.Reliability;

/// <summary>
/// What the log says while the database is out of reach. Without it Wolverine's agents, Marten's
/// daemon and every refused request each log the same connection error, stack trace and all, many
/// times a second (docs/reliability.md, "The log during an outage"): the one useful fact was buried.
/// Here the first such entry becomes one warning naming the setting and the error, the others are
/// held back and counted, a reminder comes every <see cref="ReminderEvery"/>, and one line says
/// when the database answers again (<see cref="DatabaseOutageWatch"/> asks it).
/// </summary>
public sealed class DatabaseOutageLog(ILogger logger, TimeProvider clock, IReadOnlyList<NamedDatabase> databases)
{
    public static readonly TimeSpan ReminderEvery = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after the database answers again a session it ended at its stop may still fail: a
    /// connection opened before the outage, held through it (outside the pool, or taken from the pool
    /// just before the watch cleared it), reads "57P01: terminating connection due to administrator
    /// command" at its next use. That is the outage just told, not a new one.
    /// </summary>
    public static readonly TimeSpan LeftoversSettle = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private Outage? _outage;
    private DateTimeOffset? _answeredAgainAt;

    private sealed class Outage(DateTimeOffset since, string firstError)
    {
        public DateTimeOffset Since { get; } = since;
        public string FirstError { get; } = firstError;
        public string LatestError { get; set; } = firstError;
        public DateTimeOffset LastLine { get; set; } = since;
        public long HeldBack { get; set; }
        public long HeldBackSinceLastLine { get; set; }
        /// <summary>Whether an error of it came from the database itself (not only from a full pool): its sessions may have ended.</summary>
        public bool DatabaseOut { get; set; }
        /// <summary>With several databases, the ones found out of reach: named by an error's address, or silent to the watch's ping.</summary>
        public List<NamedDatabase> Named { get; } = [];
        /// <summary>
        /// Those of <see cref="Named"/> a line has named. An error held back may find one out (its address) without a line:
        /// the watch's ping still tells it, where until 2026-12-07 it took the first reminder, 30 s on.
        /// </summary>
        public List<NamedDatabase> Told { get; } = [];
    }

    private bool Sharded => databases.Any(d => d.OneOfSeveral);

    /// <summary>
    /// What the lines name: the setting, never the connection string (it may hold a password). With several
    /// databases, the ones out of reach by their id and host:port ("database db1 of Tenancy:Databases (127.0.0.1:5472)"),
    /// once an error's address or the watch's ping told which.
    /// </summary>
    private string Who(Outage? outage) =>
        !Sharded ? "the database of ConnectionStrings:EventCrm"
        : outage is { Named.Count: > 0 } ? DatabaseNames.Describe(outage.Named)!
        : $"a database of {Sharding.TenancySettings.Section}";

    private void Name(Outage outage, IEnumerable<NamedDatabase> found)
    {
        foreach (var database in found)
            if (!outage.Named.Contains(database)) outage.Named.Add(database);
    }

    /// <summary>With several databases, those the open outage found out of reach (none named yet, or none out: empty).</summary>
    public IReadOnlyList<NamedDatabase> OutOfReach
    {
        get
        {
            lock (_gate) return _outage?.Named.ToList() ?? [];
        }
    }

    public bool IsOut
    {
        get
        {
            lock (_gate) return _outage is not null;
        }
    }

    /// <summary>
    /// Whether the open outage may have ended sessions: an error of it came from the database (refused,
    /// ended or broken sessions), not only from a pool whose every connection was in use.
    /// </summary>
    public bool MayHaveEndedSessions
    {
        get
        {
            lock (_gate) return _outage is { DatabaseOut: true };
        }
    }

    /// <summary>
    /// Whether an entry carrying this exception is held back: it is when the exception says the
    /// database is out of reach. The first one opens the outage with the warning.
    /// </summary>
    public bool HoldsBack(Exception exception)
    {
        if (!DatabaseFaults.IsOutage(exception)) return false;
        var error = Describe(exception);
        // The outage's lines are written holding the gate: written after it, the warning could come
        // after the line saying the database is back, and the log end on an outage already over.
        lock (_gate)
        {
            // A session the last outage ended, failing once the database answers again: held back
            // like the outage's other errors, and no second warning. A new outage also refuses new
            // sessions, and that refusal opens it as ever.
            if (_outage is null && _answeredAgainAt is { } answered && clock.GetUtcNow() - answered < LeftoversSettle
                && DatabaseFaults.IsSessionEndedEarlier(exception))
                return true;
            var databaseOut = !DatabaseFaults.IsPoolExhausted(exception);
            var named = Sharded ? DatabaseNames.NamedBy(exception, databases) : [];
            if (_outage is { } open)
            {
                Name(open, named);
                open.DatabaseOut |= databaseOut;
                open.LatestError = error;
                open.HeldBack++;
                open.HeldBackSinceLastLine++;
                return true;
            }
            // The first one is told by the warning itself.
            _outage = new Outage(clock.GetUtcNow(), error) { HeldBack = 1, DatabaseOut = databaseOut };
            Name(_outage, named);
            _outage.Told.AddRange(_outage.Named);
            logger.LogWarning("The service cannot reach {Database}: {Error}. The errors this causes are held back until it answers again " +
                "(a category's level set to Debug shows them); a reminder every {Reminder} s", Who(_outage), error, ReminderEvery.TotalSeconds);
        }
        return true;
    }

    /// <summary>A line saying the outage goes on, when the last one is <see cref="ReminderEvery"/> old.</summary>
    public void RemindIfDue()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_outage is not { } outage || now - outage.LastLine < ReminderEvery) return;
            logger.LogWarning("The service still cannot reach {Database}, for {Duration} now (since {Since:HH:mm:ss} UTC); " +
                "{HeldBack} log entries about it held back since the last line; latest error: {Error}",
                Who(outage), Duration(now - outage.Since), outage.Since, outage.HeldBackSinceLastLine, outage.LatestError);
            outage.LastLine = now;
            outage.HeldBackSinceLastLine = 0;
            foreach (var database in outage.Named)
                if (!outage.Told.Contains(database)) outage.Told.Add(database);
        }
    }

    /// <summary>The database answered: the one line saying so, and the outage is over.</summary>
    public void Ended()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_outage is not { } outage) return;
            _outage = null;
            _answeredAgainAt = now;
            logger.LogInformation("{Database} answers again, after {Duration} out of reach (since {Since:HH:mm:ss} UTC); " +
                "{HeldBack} log entries about it were held back", Capitalised(Who(outage)), Duration(now - outage.Since), outage.Since, outage.HeldBack);
        }
    }

    /// <summary>
    /// The databases that did not answer the watch's ping (<see cref="DatabaseOutageWatch"/>), by their
    /// ids: an error that named no address (57P01 "terminating connection") left the warning unable to
    /// say which database of several is out. One line names each database no line has named yet, also one
    /// an error held back since has named by its address.
    /// </summary>
    public void Silent(IReadOnlyCollection<string> ids)
    {
        if (!Sharded) return;
        lock (_gate)
        {
            if (_outage is not { } outage) return;
            var found = databases.Where(d => ids.Contains(d.Id) && !outage.Told.Contains(d)).ToList();
            if (found.Count == 0) return;
            Name(outage, found);
            outage.Told.AddRange(found);
            logger.LogWarning("{Database} does not answer the service's ping: it is out of reach",
                Capitalised(DatabaseNames.Describe(found)!));
        }
    }

    /// <summary>Npgsql's message and, when it says more, the cause beneath it ("Failed to connect to host:port (Connection refused)").</summary>
    public static string Describe(Exception exception)
    {
        var chain = DatabaseFaults.Chain(exception).ToList();
        var npgsql = chain.FirstOrDefault(e => e is NpgsqlException or DatabaseDidNotAnswerException) ?? exception;
        var cause = chain[^1];
        return cause == npgsql || npgsql.Message.Contains(cause.Message, StringComparison.Ordinal) ? npgsql.Message : $"{npgsql.Message} ({cause.Message})";
    }

    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => $"{span.TotalSeconds:0.0} s",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min {span.Seconds} s",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
