using System.Globalization;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Projections.Values;

/// <summary>
/// A stretch of a customer's stream, versions (<paramref name="After"/>, <paramref name="UpTo"/>], and the UTC days its
/// touchpoints may fall on (null: not known, any day): a value checkpoint's segment, from its earliest business time to the
/// latest of the stream up to it. A purchase day outside that span is not in the stretch, so it need not be read.
/// </summary>
public sealed record PurchaseDayStretch(long After, long UpTo, DateOnly? FirstDay, DateOnly? LastDay)
{
    public bool MayHold(DateOnly day) => FirstDay is not { } first || LastDay is not { } last || (first <= day && day <= last);
}

/// <summary>
/// The UTC days of the purchases folded so far into a ledger being moved on: what a ledger summary does not keep
/// and a purchase back-dated between the first purchase day and the day before the last needs (was that day a purchase
/// day already?). Kept as the events are folded; the days of the events up to the version the fold starts from are
/// read from the stream only when first asked (the purchases' business times, no payload deserialised), so a back-dated
/// purchase costs a set look-up, not a refold of the stream up to it. Given the stretches those events lie in (the value
/// checkpoints' segments), a question about one day reads only the stretches whose span holds that day, once each:
/// what a back-dated block touches, not the stream's length. Bounded by the days of the account's life.
/// </summary>
public sealed class FoldedPurchaseDays(string customerId, long startVersion, IReadOnlyList<PurchaseDayStretch>? stretches = null)
{
    private readonly HashSet<DateOnly> _days = [];
    private readonly HashSet<PurchaseDayStretch> _read = [];
    private bool _readUpToStart = startVersion == 0;

    /// <summary>One more touchpoint folded (in stream order, whether or not the summary could place it).</summary>
    public void Add(ITouchpoint touchpoint)
    {
        if (touchpoint is PurchaseMade p) _days.Add(PurchaseOccasions.DayOf(p.OccurredAt));
    }

    /// <summary>Every purchase day folded so far, those before the start read from the stream the first time.</summary>
    public async Task<IReadOnlySet<DateOnly>> AllAsync(IQuerySession session, CancellationToken ct)
    {
        if (_readUpToStart) return _days;
        await ReadAsync(session, 0, startVersion, ct);
        _readUpToStart = true;
        return _days;
    }

    /// <summary>Whether a purchase folded so far fell on <paramref name="day"/>: of those before the start, only the stretches that may hold it are read.</summary>
    public async Task<bool> ContainAsync(IQuerySession session, DateOnly day, CancellationToken ct)
    {
        // A day found is a purchase day whatever is left unread.
        if (_days.Contains(day) || _readUpToStart) return _days.Contains(day);
        if (stretches is null) return (await AllAsync(session, ct)).Contains(day);
        foreach (var stretch in StretchesUpToStart(stretches).Where(s => s.MayHold(day) && !_read.Contains(s)))
        {
            await ReadAsync(session, stretch.After, stretch.UpTo, ct);
            _read.Add(stretch);
        }
        return _days.Contains(day);
    }

    /// <summary>The stretches up to the start, with the versions none of them covers as stretches of any day (read whenever asked).</summary>
    private List<PurchaseDayStretch> StretchesUpToStart(IReadOnlyList<PurchaseDayStretch> given)
    {
        var (all, covered) = (new List<PurchaseDayStretch>(), 0L);
        foreach (var stretch in given.Where(s => s.UpTo <= startVersion).OrderBy(s => s.UpTo))
        {
            if (stretch.After != covered) all.Add(new PurchaseDayStretch(covered, stretch.UpTo, null, null));
            else all.Add(stretch);
            covered = stretch.UpTo;
        }
        if (covered < startVersion) all.Add(new PurchaseDayStretch(covered, startVersion, null, null));
        return all;
    }

    private async Task ReadAsync(IQuerySession session, long after, long upTo, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select data ->> 'occurredAt' from {schema}.mt_events where stream_id = @id and version > @after and version <= @upTo " +
            "and is_archived = false and type = @purchase");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        command.Parameters.AddWithValue("purchase", TouchpointTypes.Purchase);
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
            _days.Add(PurchaseOccasions.DayOf(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
    }
}
