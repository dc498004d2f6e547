using EventCrm.Host.Infrastructure;
using EventCrm.Host.Formulas;
using EventCrm.Host.Models;
using EventCrm.Host.Telemetry;
using EventCrm.Host.Touchpoints;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine;

namespace EventCrm.Host.Retention;

/// <summary>
/// The service's side of the retention workflow. Both steps stage their events in the handler's
/// session, so the events and the scheduled expiry commit together (Wolverine's outbox on Marten);
/// touchpoint ids derived from the cancellation make a redelivered message a harmless repeat.
/// Each step locks the customer's stream before it reads anything, as every writer does, so it is
/// decided on the customer as it is and a client's touchpoint arriving meanwhile waits for it.
/// </summary>
public sealed class RetentionDesk(TouchpointAppender appender, FormulaRegistryStore formulas, PortfolioModels models, IOptions<RetentionOptions> options,
    TimeProvider clock, EventCrmMetrics metrics, ILogger<RetentionDesk> logger)
{
    /// <summary>How long after an offer's end its scheduled expiry is expected to be recorded (seconds, normally).</summary>
    public static readonly TimeSpan ExpiryRecordedWithin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An offer of the profile still running, or just ended with its expiry still to be recorded. One
    /// that ended longer ago stays in the profile only because its end found the client no longer
    /// asking to cancel (nothing is recorded then): it counts for nothing.
    /// </summary>
    public static bool StillOpen(OpenOffer offer, DateTimeOffset now) => offer.ExpiresAt > now - ExpiryRecordedWithin;

    public async Task<OutgoingMessages> AssessAsync(IDocumentSession session, AssessCancellation request, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        await LockAsync(session, request.CustomerId, $"The assessment of cancellation {request.CancellationTouchpointId}", ct);
        var events = await session.Events.FetchStreamAsync(request.CustomerId, token: ct);
        // History (a request recorded long after it was made) is never assessed: the subscription publishes nothing
        // for it, and a message queued before that rule (or by hand) is dropped here by the same rule.
        if (events.FirstOrDefault(e => e.Data is CancellationRequested c && c.TouchpointId == request.CancellationTouchpointId) is { } recorded
            && RequestRecency.IsHistory(((CancellationRequested)recorded.Data).OccurredAt, recorded.Timestamp, options.Value.RequestsAssessedWithin))
        {
            logger.LogInformation("Cancellation {Cancellation} of {Customer} was recorded as history ({OccurredAt:O}, recorded {RecordedAt:O}): not assessed",
                request.CancellationTouchpointId, request.CustomerId, ((CancellationRequested)recorded.Data).OccurredAt, recorded.Timestamp);
            return messages;
        }
        var touchpoints = events.Select(e => e.Data).OfType<ITouchpoint>().ToList();
        var ledger = FoldedLedger.Of(request.CustomerId, touchpoints);
        if (ledger.State() != CustomerStates.CancellationRequested || AlreadyAssessed(touchpoints, request.CancellationTouchpointId))
            return messages;

        var now = clock.GetUtcNow();
        // Dated no earlier than the request it answers, whose sender's clock may run ahead of ours.
        var at = touchpoints.OfType<CancellationRequested>().FirstOrDefault(c => c.TouchpointId == request.CancellationTouchpointId) is { } asked
            ? IngestionDecision.Later(now, asked.OccurredAt)
            : now;
        // One offer at a time: a client who asks again while an offer is open has that offer to
        // answer (the desk is shown it). That includes an offer just ended whose expiry is not
        // recorded yet: a second offer made then would see the first one's expiry churn the client
        // while it runs. An offer that ended longer ago stays in the profile only because its end
        // found the client no longer asking to cancel (nothing is recorded then): it blocks nothing.
        var profile = await session.LoadAsync<CustomerProfile>(request.CustomerId, ct);
        if (profile?.OpenOffers.FirstOrDefault(o => StillOpen(o, now)) is { } open)
        {
            logger.LogInformation("Cancellation {Cancellation} of {Customer}: offer {Offer} is open (until {ExpiresAt:O}), no second one",
                request.CancellationTouchpointId, request.CustomerId, open.OfferId, open.ExpiresAt);
            return messages;
        }

        var registry = await formulas.LoadAsync(ct);
        var formula = registry.InForceAt(null).Formula;
        var model = (await models.KnownAtAsync(null, ct)).Model;
        var policy = options.Value.ToPolicy();
        RetentionDecision decision;
        try
        {
            decision = RetentionAssessment.Decide(ledger, CustomerValuation.Of(ledger, at, formula, model), formula.Name, policy, at,
                RetentionSpent.Within(touchpoints, at, policy.CapWindow));
        }
        catch (Exception e) when (e is ModelNotFittedException or FormulaParameterException)
        {
            decision = RetentionAssessment.Unvalued(ledger, formula.ToString(), e.Message, policy);
        }

        var id = $"{SystemStreams.Prefix}assessment:{request.CancellationTouchpointId}";
        session.CausationId = request.CancellationTouchpointId;
        ITouchpoint outcome = decision switch
        {
            OfferRetention offer => new RetentionOfferMade(id, at, request.CancellationTouchpointId, OfferIdFor(request),
                offer.Amount, offer.Cost, offer.ExpiresAt, $"{offer.Rule} (formula {formula})", offer.Inputs, offer.Tier, formula.ToString()),
            LetGo letGo => new RetentionNotOffered(id, at, request.CancellationTouchpointId, letGo.Reason, $"{letGo.Rule} (formula {formula})", letGo.Inputs,
                formula.ToString()),
            _ => throw new InvalidOperationException($"unknown decision {decision.GetType().Name}"),
        };
        if (await StageAsync(session, request.CustomerId, outcome, ct))
        {
            if (outcome is RetentionOfferMade made) messages.Schedule(new ExpireRetentionOffer(request.CustomerId, made.OfferId), made.ExpiresAt);
            // Told once recorded: a commit that fails (the step then retried or dead-lettered) made no offer.
            session.Listeners.Add(new CountedOnCommit(() => logger.LogInformation("Cancellation {Cancellation} of {Customer} assessed: {Decision}",
                request.CancellationTouchpointId, request.CustomerId, outcome.GetType().Name)));
        }
        return messages;
    }

    public async Task ExpireAsync(IDocumentSession session, ExpireRetentionOffer expiry, CancellationToken ct)
    {
        await LockAsync(session, expiry.CustomerId, $"The expiry of offer {expiry.OfferId}", ct);
        var profile = await session.LoadAsync<CustomerProfile>(expiry.CustomerId, ct);
        if (profile?.OpenOffers.Any(o => o.OfferId == expiry.OfferId) != true) return;
        // A client no longer asking to cancel (its departure recorded by the desk, perhaps followed by
        // a return) is not churned by the offer's end: the offer just lapses, unrecorded (an answer
        // dated after its end is refused anyway). A purchase alone does not end a request to cancel.
        if (profile.State != CustomerStates.CancellationRequested) return;
        // Nor is a client who asked again and got a newer offer, still running, after this one ended
        // (this expiry ran late): that one's end decides.
        if (profile.OpenOffers.Any(o => o.OfferId != expiry.OfferId && o.ExpiresAt > clock.GetUtcNow()))
        {
            logger.LogInformation("Offer {Offer} of {Customer} ended, a later offer runs: nothing recorded", expiry.OfferId, expiry.CustomerId);
            return;
        }

        // After the latest request to cancel, or the churn would fold before it in business time.
        var now = IngestionDecision.Later(profile.LatestCancellationAt, clock.GetUtcNow());
        session.CausationId = expiry.OfferId;
        await StageAsync(session, expiry.CustomerId, new RetentionOfferExpired($"{SystemStreams.Prefix}expired:{expiry.OfferId}", now, expiry.OfferId), ct,
            new CustomerChurned($"{SystemStreams.Prefix}churned:{expiry.OfferId}", now, "the retention offer expired unanswered"));
    }

    /// <summary>
    /// Locks the customer's stream, waiting at most <see cref="StreamLocks.SharedWait"/>: a step held
    /// up by a customer another transaction holds (an operator's psql, a long import) no longer keeps
    /// its listener and connection waiting without end; it is tried again later
    /// (<see cref="RetentionConfiguration.BusyCustomerRetries"/>) and says so.
    /// </summary>
    private async Task LockAsync(IDocumentSession session, string customerId, string step, CancellationToken ct)
    {
        try
        {
            await StreamLocks.TakeAsync(session, [customerId], ct);
        }
        catch (CustomerBusyException e)
        {
            logger.LogWarning("{Step} of customer {Customer} waits, tried again later: {Reason}", step, customerId, e.Message);
            throw;
        }
    }

    public static string OfferIdFor(AssessCancellation request) => $"offer:{request.CancellationTouchpointId}";

    private async Task<bool> StageAsync(IDocumentSession session, string customerId, ITouchpoint first, CancellationToken ct, params ITouchpoint[] more)
    {
        session.SetHeader(AppendContext.AppendedByHeader, "system");
        // Should the step still lose a race (a stream or touchpoint id another writer recorded
        // first), it fails and runs again (the handler's retry policy): not an error for the logs.
        if (session.Logger is not LostRacesNotErrors) session.Logger = new LostRacesNotErrors(session.Logger);
        var batch = new[] { first }.Concat(more).Select((t, i) => new IncomingTouchpoint(i, customerId, t)).ToList();
        var outcome = await appender.StageAsync(session, batch, ct);
        if (!outcome.Accepted) logger.LogWarning("Retention step for {Customer} refused: {Reasons}", customerId, string.Join("; ", outcome.Rejections.Select(r => r.Reason)));
        var staged = outcome.Accepted && outcome.Appended > 0;
        if (staged && first is RetentionOfferMade or RetentionOfferExpired)
            session.Listeners.Add(new CountedOnCommit(() => metrics.Offer(first is RetentionOfferMade ? "made" : "expired")));
        return staged;
    }

    private static bool AlreadyAssessed(IEnumerable<ITouchpoint> touchpoints, string cancellationId) => touchpoints.Any(t =>
        t is RetentionOfferMade m && m.CancellationTouchpointId == cancellationId
        || t is RetentionNotOffered n && n.CancellationTouchpointId == cancellationId);
}
