using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Retention;

/// <param name="MadeAt">The offer's business time: an answer may not be dated before it.</param>
/// <param name="Tier">
/// The retention tier the offer was sized by, as figures: recorded with offers made since 2026-12-07, read from the rule's
/// words and the inputs for those made before; null only for an older offer whose rule is of another wording.
/// </param>
/// <param name="Formula">
/// The formula version the client was valued under ("retention-ltv@0"): recorded with offers made since 2026-12-07
/// (afternoon), read from the rule's ending for those made before.
/// </param>
public sealed record OfferView(string OfferId, decimal Amount, decimal Cost, DateTimeOffset MadeAt, DateTimeOffset ExpiresAt, string Rule,
    IReadOnlyDictionary<string, decimal> Inputs, OfferTier? Tier, string? Formula)
{
    public static OfferView Of(RetentionOfferMade o) =>
        new(o.OfferId, o.Amount, o.Cost, o.OccurredAt, o.ExpiresAt, o.Rule, o.Inputs, o.Tier ?? OfferReason.TierOf(o.Rule, o.Inputs), FormulaOf(o));

    public static string? FormulaOf(RetentionOfferMade o) => o.Formula ?? OfferReason.FormulaOf(o.Rule);
}

/// <param name="Formula">The formula version the decision valued the client under, as an offer's; null while it is assessed.</param>
public sealed record PendingCancellationView(string CancellationTouchpointId, DateTimeOffset RequestedAt, string? Reason, [property: Words(typeof(GetRetentionEndpoint))] string Decision,
    OfferView? Offer, string Why, string? Rule, IReadOnlyDictionary<string, decimal>? Inputs, string? Formula);

public sealed record RetentionView(string CustomerId, [property: Words(typeof(CustomerStates))] string State, PendingCancellationView? Pending);

public static class GetRetentionEndpoint
{
    public const string Assessing = "assessing", OfferMade = "offer-made", NoOffer = "no-offer", NotAssessed = "not-assessed";

    /// <summary>The cancellation the desk has to act on, if any, with the service's recommendation and why.</summary>
    [WolverineGet("/api/customers/{id}/retention"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The customer's state and the cancellation pending, if any.", Body = typeof(RetentionView))]
    [Answers(404, "An unknown customer.")]
    public static async Task<IResult> Get(string id, IQuerySession session, IOptions<RetentionOptions> retention, CancellationToken ct)
    {
        // A client not asking to cancel needs only its state: the ledger the daemon keeps has it.
        if (await KeptLedger.ReadAsync(session, id, ct) is { } kept && kept.State() != CustomerStates.CancellationRequested)
            return Results.Ok(new RetentionView(id, kept.State(), null));
        return await ReadFromTheWholeStream(session, id, ct, retention.Value.RequestsAssessedWithin);
    }

    /// <summary>The answer read from the customer's whole stream: what the kept ledger's answer must equal (the scenarios compare them).</summary>
    public static async Task<IResult> ReadFromTheWholeStream(IQuerySession session, string id, CancellationToken ct, TimeSpan? assessedWithin = null)
    {
        var recorded = (await CustomerStream.ReadAsync(session, id, withProfile: false, ct)).Touchpoints;
        if (recorded.Count == 0) return GetCustomerEndpoint.UnknownCustomer(id);
        var within = assessedWithin ?? new RetentionOptions().RequestsAssessedWithin;
        var history = recorded.Where(r => r.Touchpoint is CancellationRequested && RequestRecency.IsHistory(r.Touchpoint.OccurredAt, r.RecordedAt, within))
            .Select(r => r.Touchpoint.TouchpointId).ToHashSet();
        return Results.Ok(Of(id, recorded.Select(r => r.Touchpoint).ToList(), history.Count == 0 ? null : new HistoryRequests(history, within)));
    }

    /// <summary>The requests to cancel recorded too long after they happened to be assessed (<see cref="RequestRecency"/>).</summary>
    public sealed record HistoryRequests(IReadOnlySet<string> TouchpointIds, TimeSpan AssessedWithin);

    /// <summary>Where the customer stands after these touchpoints (its whole stream), and the cancellation pending, if any.</summary>
    public static RetentionView Of(string id, IReadOnlyList<ITouchpoint> touchpoints, HistoryRequests? history = null)
    {
        var states = Lifecycle.Replay(touchpoints.Select((t, i) => (Touchpoint: t, Recorded: i)),
            x => x.Touchpoint.OccurredAt, x => x.Recorded, x => TouchpointTypes.NameOf(x.Touchpoint));
        var state = states[^1].State;
        var cancellation = state == CustomerStates.CancellationRequested
            ? states.Select(s => s.Item.Touchpoint).OfType<CancellationRequested>().LastOrDefault()
            : null;
        return new RetentionView(id, state, cancellation is null ? null : Pending(cancellation, touchpoints, history));
    }

    private static PendingCancellationView Pending(CancellationRequested cancellation, IReadOnlyList<ITouchpoint> touchpoints, HistoryRequests? history)
    {
        var id = cancellation.TouchpointId;
        var letGo = touchpoints.OfType<RetentionNotOffered>().LastOrDefault(n => n.CancellationTouchpointId == id);
        // A cancellation made while an earlier one's offer runs gets no offer of its own: that one
        // stands. One the service decided on itself shows its own decision.
        var offer = touchpoints.OfType<RetentionOfferMade>().LastOrDefault(o => o.CancellationTouchpointId == id)
                    ?? (letGo is null ? RunningAt(cancellation.OccurredAt, touchpoints) : null);
        return (offer, letGo) switch
        {
            ({ } o, _) => new(id, cancellation.OccurredAt, cancellation.Reason, OfferMade,
                OfferView.Of(o), OfferReason.Why(o.Amount, o.Rule, o.Tier, o.Formula, o.Inputs), o.Rule, o.Inputs, OfferView.FormulaOf(o)),
            (_, { } n) => new(id, cancellation.OccurredAt, cancellation.Reason, NoOffer, null, n.Reason, n.Rule, n.Inputs,
                n.Formula ?? OfferReason.FormulaOf(n.Rule)),
            // Never to be assessed: "assessing" had the desk's panel wait for a decision that would not come.
            _ when history?.TouchpointIds.Contains(id) == true => new(id, cancellation.OccurredAt, cancellation.Reason, NotAssessed, null,
                NotAssessedWhy(history.AssessedWithin), null, null, null),
            _ => new(id, cancellation.OccurredAt, cancellation.Reason, Assessing, null, "The cancellation is being assessed.", null, null, null),
        };
    }

    public static string NotAssessedWhy(TimeSpan assessedWithin) =>
        $"The request was recorded more than {assessedWithin.TotalDays:0.##} days after it happened (Retention:RequestsAssessedWithin): " +
        "it is history, and the service makes no offer for it. Record how it ended: “The client left” or “Client stays” (the desk's buttons).";

    /// <summary>The offer still open (unanswered, not closed by the client's departure) that ran when the cancellation came.</summary>
    private static RetentionOfferMade? RunningAt(DateTimeOffset at, IReadOnlyList<ITouchpoint> touchpoints)
    {
        // Folded in recording order by the rules the ingestion decides with.
        var open = DecisionsInTurn.After(null, touchpoints).OpenOffers;
        return touchpoints.OfType<RetentionOfferMade>().LastOrDefault(o => open.ContainsKey(o.OfferId) && o.ExpiresAt > at);
    }
}
