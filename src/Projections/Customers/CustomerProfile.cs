using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Projections.Customers;

/// <summary>A touchpoint that can move the customer between states, kept while it can still decide the state (<see cref="DecidingMarks"/>).</summary>
public sealed record LifecycleMark(DateTimeOffset OccurredAt, long Version, string Type);

/// <param name="MadeAt">The offer's business time; null in profiles stored before it was kept.</param>
public sealed record OpenOffer(string OfferId, string CancellationTouchpointId, DateTimeOffset ExpiresAt, DateTimeOffset? MadeAt = null);

/// <summary>
/// Who the customer is and where they stand now. Kept inline with every append, so the ingestion
/// path reads it to decide (stream version, already signed up) and searches read it.
/// </summary>
public sealed record CustomerProfile
{
    public required string Id { get; init; }
    public long Version { get; set; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    /// <summary>
    /// The business time of the lead or signup the name and email come from: one dated earlier
    /// (history imported late) does not replace them. Null in profiles stored before it was kept.
    /// </summary>
    public DateTimeOffset? IdentifiedAt { get; init; }
    public string? Segment { get; init; }
    public string? Channel { get; init; }
    public bool HasSignedUp { get; init; }
    public string State { get; init; } = CustomerStates.Prospect;
    public int TouchpointCount { get; init; }
    public DateTimeOffset FirstOccurredAt { get; init; }
    public DateTimeOffset LastOccurredAt { get; init; }
    public DateTimeOffset LastRecordedAt { get; init; }
    /// <summary>
    /// What a search matches: every name and email the customer has been given (the current and any former one, or one
    /// dated earlier and so never current), lower-cased, one "name email" line each, until an erasure empties it.
    /// Profiles stored before 2026-12-07 (late night) hold the current one only, until the profiles are rebuilt.
    /// </summary>
    public string SearchText { get; init; } = "";
    public IReadOnlyList<LifecycleMark> Marks { get; init; } = [];
    /// <summary>Retention offers made and not yet accepted, declined or expired.</summary>
    public IReadOnlyList<OpenOffer> OpenOffers { get; init; } = [];
    /// <summary>The business time of the latest cancellation request; an answer to a retention offer may not be dated before it.</summary>
    public DateTimeOffset? LatestCancellationAt { get; init; }
    /// <summary>The touchpoint id of that request: a withdrawal names it. Null in profiles stored before it was kept (2026-12-05).</summary>
    public string? LatestCancellationId { get; init; }
    /// <summary>When the customer's personal data was last erased (docs/privacy.md); null if never.</summary>
    public DateTimeOffset? ErasedAt { get; init; }

    public static CustomerProfile StartFor(string customerId) => new() { Id = customerId };

    /// <summary>What the ingestion decision needs to know of this customer.</summary>
    public CustomerStanding Standing() => new(Version, HasSignedUp, OpenOffers.ToDictionary(o => o.OfferId, o => new OfferWindow(o.MadeAt, o.ExpiresAt)),
        LatestCancellationAt, Marks.Select(m => new StandingMark(m.OccurredAt, m.Version, m.Type)).ToList(), LatestCancellationId);

    public CustomerProfile Record(ITouchpoint touchpoint, long version, DateTimeOffset recordedAt)
    {
        var identified = touchpoint switch
        {
            LeadCaptured lead => Identify(lead.Name, lead.Email, lead.OccurredAt),
            SignedUp signup => Identify(signup.Name, signup.Email, signup.OccurredAt) with
            {
                HasSignedUp = true, Segment = signup.Segment, Channel = signup.Channel ?? Channel,
            },
            RetentionOfferMade offer => this with { OpenOffers = [.. OpenOffers, new OpenOffer(offer.OfferId, offer.CancellationTouchpointId, offer.ExpiresAt, offer.OccurredAt)] },
            CancellationRequested c => this with
            {
                LatestCancellationAt = IngestionDecision.Later(LatestCancellationAt, c.OccurredAt),
                // The latest in business time; of two at the same time, the one recorded last.
                LatestCancellationId = LatestCancellationAt > c.OccurredAt ? LatestCancellationId : c.TouchpointId,
            },
            RetentionOfferAccepted a => Close(a.OfferId),
            RetentionOfferDeclined d => Close(d.OfferId),
            RetentionOfferExpired e => Close(e.OfferId),
            CustomerChurned gone => this with { OpenOffers = OpenOffers.Where(o => !IngestionDecision.ClosedByChurn(o.MadeAt, LatestCancellationAt, gone)).ToList() },
            _ => this,
        };
        var type = TouchpointTypes.NameOf(touchpoint);
        var marks = Lifecycle.CanChangeState(type) ? Deciding([.. Marks, new LifecycleMark(touchpoint.OccurredAt, version, type)]) : Marks;
        return identified with
        {
            Marks = marks,
            State = StateAfter(marks),
            TouchpointCount = TouchpointCount + 1,
            FirstOccurredAt = TouchpointCount == 0 || touchpoint.OccurredAt < FirstOccurredAt ? touchpoint.OccurredAt : FirstOccurredAt,
            LastOccurredAt = touchpoint.OccurredAt > LastOccurredAt ? touchpoint.OccurredAt : LastOccurredAt,
            LastRecordedAt = recordedAt,
        };
    }

    /// <summary>
    /// The personal-data-erased event: name and email read as erased, and nothing is left to search; the channel too where
    /// the erasure masked it (a channel sealed verbatim before 2026-12-07 is kept in its event, and so here).
    /// </summary>
    public CustomerProfile Erase(PersonalDataErased erasure) => this with
    {
        Name = PersonalData.Erased, Email = PersonalData.Erased, SearchText = "", ErasedAt = erasure.ErasedAt,
        Channel = Channel is not null && erasure.Fields.Contains(PersonalFields.Channel) ? PersonalData.Erased : Channel,
    };

    private CustomerProfile Close(string offerId) => this with { OpenOffers = OpenOffers.Where(o => o.OfferId != offerId).ToList() };

    /// <summary>The latest identity in business time wins; of two at the same time, the one recorded last.</summary>
    /// <remarks>
    /// Either way the name and email stay searchable: a person asking what is held about them (docs/privacy.md) gives the
    /// name they knew, which may be a former one.
    /// </remarks>
    private CustomerProfile Identify(string name, string email, DateTimeOffset occurredAt) => IdentifiedAt > occurredAt
        ? this with { SearchText = Known(SearchText, name, email) }
        : this with { Name = name, Email = email, SearchText = Known(SearchText, name, email), IdentifiedAt = occurredAt };

    /// <summary>The search text with this name and email added, unless they are there already (a signup repeating its lead's).</summary>
    private static string Known(string? searchText, string name, string email)
    {
        var identity = $"{name} {email}".ToLowerInvariant();
        if (string.IsNullOrEmpty(searchText)) return identity;
        return searchText.Split(IdentitySeparator).Contains(identity) ? searchText : $"{searchText}{IdentitySeparator}{identity}";
    }

    /// <summary>Between two identities of the search text: a line break, which no name nor email holds (no control character is taken).</summary>
    private const char IdentitySeparator = '\n';

    /// <summary>At most two marks however long the history: a profile is rewritten on every append.</summary>
    private static IReadOnlyList<LifecycleMark> Deciding(IReadOnlyList<LifecycleMark> marks) =>
        DecidingMarks.Of(marks, m => m.OccurredAt, m => m.Version, m => m.Type);

    private static string StateAfter(IReadOnlyList<LifecycleMark> marks) =>
        Lifecycle.Replay(marks, m => m.OccurredAt, m => m.Version, m => m.Type) is { Count: > 0 } replayed
            ? replayed[^1].State
            : CustomerStates.Prospect;
}
