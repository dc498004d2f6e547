using System.Diagnostics.Metrics;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// The service's own instruments, on the meter <see cref="MeterName"/>: what only it knows (touchpoints
/// by type and refusal, retention offers, projection and rebuild lag, import, replay and export progress). The
/// libraries' own meters (Marten, Wolverine, ASP.NET Core, Npgsql) are exported beside it, not copied
/// (docs/operations.md). Names, units and tags are a contract: a dashboard reads them.
/// The meter comes from the host's <see cref="IMeterFactory"/>, so two hosts in one process (the tests)
/// keep their figures apart. Recording is a counter add: nothing is allocated per event.
/// </summary>
public sealed class EventCrmMetrics
{
    public const string MeterName = "EventCrm";

    // Tag keys. error.type is OpenTelemetry's own key for the class of a failure.
    public const string TouchpointType = "eventcrm.touchpoint.type";
    public const string ErrorType = "error.type";
    public const string Outcome = "eventcrm.outcome";
    public const string Shard = "eventcrm.projection.shard";
    public const string Database = "eventcrm.database";
    public const string Format = "eventcrm.export.format";

    private readonly Counter<long> _appended, _repeated, _refused, _customerBusy, _offers, _imported, _exported, _replayedEvents, _replayedCustomers;
    private readonly Histogram<int> _batchSize;

    public EventCrmMetrics(IMeterFactory meters, ProjectionLag lag, RebuildLag rebuildLag, ProfileRebuildLag profileRebuildLag, OpenOffers openOffers,
        DeadLettersWaiting deadLetters)
    {
        var meter = meters.Create(MeterName);
        _appended = meter.CreateCounter<long>("eventcrm.touchpoints.appended", "{touchpoint}",
            "Touchpoints appended through POST /api/touchpoints, by type (a repeat is not counted).");
        _repeated = meter.CreateCounter<long>("eventcrm.touchpoints.repeated", "{touchpoint}",
            "Touchpoints sent again with a touchpointId already recorded with the same content: nothing appended.");
        _refused = meter.CreateCounter<long>("eventcrm.touchpoints.refused", "{touchpoint}",
            "Touchpoints of POST /api/touchpoints requests refused, by the class of refusal (error.type).");
        _customerBusy = meter.CreateCounter<long>("eventcrm.customer_busy.answers", "{request}",
            "Requests answered 503 Customer busy: a customer's stream stayed locked by another transaction.");
        _batchSize = meter.CreateHistogram("eventcrm.touchpoints.batch.size", "{touchpoint}",
            "Touchpoints per readable POST /api/touchpoints request (an object counts one).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
        _offers = meter.CreateCounter<long>("eventcrm.retention.offers", "{offer}",
            "Retention offers made by the service, and answered (accepted, declined) or expired, once committed.");
        meter.CreateObservableUpDownCounter("eventcrm.retention.offers.open", openOffers.Observe, "{offer}",
            "Retention offers open now (made, not answered, not yet recorded as expired), as counted at most 15 s ago.");
        _imported = meter.CreateCounter<long>("eventcrm.import.touchpoints", "{touchpoint}",
            "Touchpoints of imports written, appended or repeated (eventcrm.outcome), as each batch commits.");
        _exported = meter.CreateCounter<long>("eventcrm.export.events", "{event}",
            "Events written by exports (GET /api/events and the export command), every thousand and at the end.");
        _replayedEvents = meter.CreateCounter<long>("eventcrm.replay.events", "{event}", "Events a replay has folded, as each chunk of customers is valued.");
        _replayedCustomers = meter.CreateCounter<long>("eventcrm.replay.customers", "{customer}", "Customers a replay has valued, as each chunk is valued.");
        meter.CreateObservableGauge("eventcrm.projection.lag", lag.Observe, "{event}",
            "Events between the end of the log and an async shard's position, per database, as last read (every second).");
        meter.CreateObservableGauge("eventcrm.rebuild.lag", rebuildLag.Observe, "{event}",
            "Events a blue/green rebuild's new build still has to process, per shard it replaces and per database, while the rebuild runs in this process.");
        meter.CreateObservableGauge("eventcrm.dead_letters.waiting", deadLetters.Observe, "{message}",
            "Messages waiting in Wolverine's dead letters of each database, not marked replayable, as counted at most 30 s ago.");
        meter.CreateObservableGauge("eventcrm.rebuild.profiles.lag", profileRebuildLag.Observe, "{customer}",
            "Customers whose profile the in-place rebuild of CustomerProfile has still to rebuild, while it runs in this process.");
    }

    public void Appended(string type) => _appended.Add(1, new KeyValuePair<string, object?>(TouchpointType, type));

    public void Repeated(int count)
    {
        if (count > 0) _repeated.Add(count);
    }

    public void Refused(int count, string reason) => _refused.Add(count, new KeyValuePair<string, object?>(ErrorType, reason));

    public void CustomerBusy() => _customerBusy.Add(1);

    public void BatchSize(int size) => _batchSize.Record(size);

    public void Offer(string outcome) => _offers.Add(1, new KeyValuePair<string, object?>(Outcome, outcome));

    public void Imported(int appended, int repeated)
    {
        if (appended > 0) _imported.Add(appended, new KeyValuePair<string, object?>(Outcome, "appended"));
        if (repeated > 0) _imported.Add(repeated, new KeyValuePair<string, object?>(Outcome, "repeated"));
    }

    public void Exported(long events, string format)
    {
        if (events > 0) _exported.Add(events, new KeyValuePair<string, object?>(Format, format));
    }

    public void Replayed(long events, int customers)
    {
        _replayedEvents.Add(events);
        _replayedCustomers.Add(customers);
    }
}

/// <summary>The classes of refusal of <c>eventcrm.touchpoints.refused</c> (its error.type).</summary>
public static class RefusalClasses
{
    public const string Invalid = "invalid";                 // 400: a field, the JSON or the array's size
    public const string Forbidden = "forbidden";             // 403: a desk key sending what only ingest may
    public const string NotFound = "not_found";              // 404: no such customer, no such open offer
    public const string Conflict = "conflict";               // 409: a second signup, an id with other content
    public const string Contention = "contention";           // 409: too many concurrent writers on the same customers
    public const string CustomerBusy = "customer_busy";      // 503: a stream locked elsewhere
    public const string QueueFull = "queue_full";            // 503: Touchpoints:MaxWaiting reached
    public const string DatabaseUnavailable = "database_unavailable"; // 503: the database out of reach
    public const string ConnectionReset = "connection_reset";         // 503: a pooled connection out of step, the pool reset
}
