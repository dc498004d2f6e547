using System.Globalization;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Projections.Values;

/// <summary>
/// The UTC days of the purchases folded so far into the checkpoints being written: what a ledger summary does not keep
/// and a purchase back-dated between the first purchase day and the day before the last needs (was that day a purchase
/// day already?). Kept as the events are folded; the days of the events before the checkpoint the writing starts from
/// are read from the stream only when first asked (one read of the purchases' business times, no payload deserialised),
/// so a back-dated purchase costs a set look-up, not a refold of the stream up to it. Bounded by the days of the account's life.
/// </summary>
public sealed class FoldedPurchaseDays(string customerId, long startVersion)
{
    private readonly HashSet<DateOnly> _days = [];
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
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select data ->> 'occurredAt' from {schema}.mt_events where stream_id = @id and version <= @upTo and is_archived = false and type = @purchase");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("upTo", startVersion);
        command.Parameters.AddWithValue("purchase", TouchpointTypes.Purchase);
        await using (var reader = await session.ExecuteReaderAsync(command, ct))
            while (await reader.ReadAsync(ct))
                _days.Add(PurchaseOccasions.DayOf(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        _readUpToStart = true;
        return _days;
    }
}
