namespace EventCrm.Host.Replays;

/// <summary>
/// A replay met a customer's stream in a database its id does not route to (<see cref="Audit.MisplacedStreams"/>). Valuing it would count
/// the customer twice (with the copy in its own database) or value a history the service itself never reads, and choosing a copy would
/// hide from the replay's reader that the log holds another: the replay stops, naming the customer and both databases.
/// </summary>
public sealed class MisplacedStreamException(string customerId, string database, string routedTo) : Exception(
    $"Customer {customerId} has a stream in {database}, but its id routes to {routedTo}: the service writes a customer's events in that database " +
    $"only, so the stream in {database} was written by other means, and a replay would count the customer twice. The replay stopped there. " +
    "GET /api/audit/verify (or audit-verify) lists every such stream; see docs/audit-and-replays.md, \"Tamper evidence\", " +
    "for what to do, then ask for the replay again.")
{
    public string CustomerId { get; } = customerId;
}
