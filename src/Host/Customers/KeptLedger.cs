using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Host.Customers;

/// <summary>
/// A customer's ledger as of its last event, from the one the async daemon keeps (its summary,
/// about 1 KB whatever the history) and the few events appended since the daemon folded it: a read
/// that needs the customer as it stands now does not read its whole stream (a 50,000-touchpoint
/// account took 1.5 s; docs/scaling.md, section 6). Read-your-writes still holds: the events after
/// the ledger's version are folded here. One the summary cannot place by itself (a purchase back-dated among the purchase
/// days, a state change dated before the latest, a refund of an order it does not keep) is placed as the daemon places it,
/// from what the stream says of the orders, purchase days or state-changing touchpoints before it (<see cref="LaterLookups"/>,
/// each read only when an event needs it, once per read), not by reading and folding the whole stream.
/// </summary>
public static class KeptLedger
{
    /// <summary>
    /// Null when the kept ledger cannot serve: none yet, one stored before 2026-12-06 (with its lines,
    /// without its version), or a later event its summary cannot place even with the look-ups (none today: the
    /// daemon's projection would fold the stream whole there too). The caller then reads the stream whole.
    /// </summary>
    /// <param name="withLookups">
    /// False: null as well where a later event needs a look-up, for a caller with a cheaper way than the look-ups
    /// (the value read's checkpoints, which hold the back-dated block once written and value a refund without its order).
    /// </param>
    /// <param name="atMostLater">
    /// Null as well when more events than this were recorded after the kept ledger (the daemon far behind
    /// a large account): reading and folding them all costs what a read from elsewhere (a value checkpoint) does not.
    /// </param>
    public static async Task<CustomerLedger?> ReadAsync(IQuerySession session, string customerId, CancellationToken ct, long? atMostLater = null,
        bool withLookups = true) =>
        (await ReadWithLaterAsync(session, customerId, ct, atMostLater, withLookups))?.Now;

    /// <summary>
    /// The ledger as stored, the same moved on by the events recorded after it, those events, and what was read from the
    /// stream before them to place them (<see cref="LookedUp.Nothing"/> for events in business order, refunds of orders kept).
    /// </summary>
    public sealed record Read(CustomerLedger Stored, CustomerLedger Now, List<RecordedTouchpoint> Later, LookedUp LookedUp);

    public static async Task<Read?> ReadWithLaterAsync(IQuerySession session, string customerId, CancellationToken ct, long? atMostLater = null,
        bool withLookups = true)
    {
        var options = session.DocumentStore.Options;
        CustomerLedger? kept = null;
        // A stream's versions run without gaps: an event at version foldedUpTo + atMostLater + 1 means more than atMostLater after it.
        var tooFarBehind = atMostLater is null ? "false"
            : $"exists (select 1 from {options.Events.DatabaseSchemaName}.mt_events e where e.stream_id = @id " +
              "and e.version = (d.data ->> 'foldedUpTo')::bigint + @atMostLater + 1)";
        await using (var command = new NpgsqlCommand(
                         $"select data, {tooFarBehind} from {options.DatabaseSchemaName}.mt_doc_{nameof(CustomerLedger).ToLowerInvariant()} d where id = @id"))
        {
            command.Parameters.AddWithValue("id", customerId);
            command.Parameters.AddWithValue("atMostLater", atMostLater ?? 0);
            await using var reader = await session.ExecuteReaderAsync(command, ct);
            if (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(1)) return null;
                kept = (CustomerLedger)options.Serializer().FromJson(typeof(CustomerLedger), reader, 0);
            }
        }
        // A document stored before 2026-12-06 is read back as the folded ledger it was, without its version.
        if (kept is null or FoldedLedger || kept.FoldedUpTo == 0) return null;

        var (_, later) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: kept.FoldedUpTo);
        var now = kept;
        var lookups = new LaterLookups(customerId, later);
        foreach (var (touchpoint, _, version, _) in later)
        {
            if (!withLookups && (now.OrderToLookUp(touchpoint) is not null || now.PurchaseDayToLookUp(touchpoint) is not null || now.MarksToLookUp(touchpoint)))
                return null;
            var order = now.OrderToLookUp(touchpoint) is { } orderId ? await lookups.OrderAsync(session, now, version, orderId, ct) : null;
            var bought = now.PurchaseDayToLookUp(touchpoint) is { } day ? await lookups.BoughtOnAsync(session, version, day, ct) : (bool?)null;
            var marks = now.MarksToLookUp(touchpoint) ? await lookups.MarksAsync(session, now, version, touchpoint.OccurredAt, ct) : null;
            if (now.TryRecord(touchpoint, order, bought, marks) is not { } moved) return null;
            now = moved;
            lookups.Folded(touchpoint);
        }
        return new Read(kept, now, later, lookups.Read);
    }
}
