using EventCrm.Host.Sharding;
using System.Security.Claims;
using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Portfolio;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship;
using EventCrm.Relationship.Privacy;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Privacy;

/// <param name="Fields">The personal fields the erasure masked.</param>
/// <param name="EventsKept">Events that still hold free text, sealed verbatim before 2026-12-05: masking it would break their seals.</param>
public sealed record ErasureView(string CustomerId, [property: Words(typeof(ErasureResults))] string Result, DateTimeOffset ErasedAt, string RequestedBy,
    [property: Words(typeof(PersonalFields))] IReadOnlyList<string> Fields, int EventsMasked, int EventsKept);

public static class PostErasureEndpoint
{
    public const string SealWaitKey = "Privacy:SealWait";
    private static readonly TimeSpan DefaultSealWait = TimeSpan.FromSeconds(15);

    /// <summary><see cref="SealWaitKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static TimeSpan SealWaitOf(IConfiguration configuration) => Settings.Duration(configuration, SealWaitKey, DefaultSealWait);

    /// <summary>Erases the customer's personal data (docs/privacy.md). Idempotent: a second call changes nothing and says so.</summary>
    [WolverinePost("/api/customers/{id}/erasure"), Authorize(Policy = Policies.Erasure), TakesNoBody]
    [Answers(200, "The personal data is erased (or was already).", Body = typeof(ErasureView))]
    [Answers(404, "An unknown customer.")]
    [Answers(409, "Events holding personal data are not sealed into the audit chain yet, or touchpoints kept arriving: nothing was erased; retry.")]
    [Answers(503, "The database is unavailable, or the customer is busy (its stream locked by another transaction for over 2 s; errors.customerId names it; nothing was erased): send the same request again after Retry-After seconds.")]
    public static async Task<IResult> Post(string id, HttpRequest request, ClaimsPrincipal caller, CustomerDatabases databases, TimeProvider clock,
        IConfiguration configuration, ILoggerFactory loggers, PortfolioBase portfolio, CancellationToken ct)
    {
        var sealWait = SealWaitOf(configuration);
        var logger = loggers.CreateLogger(typeof(PersonalDataErasure));
        var outcome = await PersonalDataErasure.EraseAsync(databases, id, PostTouchpointsEndpoint.ContextOf(request, caller), clock, sealWait, logger, ct);
        // Every portfolio answer redacts the customers erased since its valuation; this node's is redacted at once, and its
        // analyses made again meanwhile, so that its next answer need not.
        if (outcome is Erased { Already: false }) await portfolio.ForgetErasedAsync(ct);
        return outcome switch
        {
            UnknownCustomer => GetCustomerEndpoint.UnknownCustomer(id),
            NotSealedYet n => Problems.Conflict(
                $"{n.Unsealed} event(s) of this customer holding personal data are not sealed into the audit chain yet, so erasing them now " +
                $"would leave the chain unable to prove that nothing but the personal fields changed. Nothing was erased; retry in a moment " +
                "(the audit sealer runs in the async daemon)."),
            KeptChanging k => Problems.Conflict(
                $"Touchpoints kept being appended to this customer while erasing ({k.Attempts} attempts). Nothing was erased; retry the request."),
            CustomerHeldElsewhere held => CustomerBusy.Answer(request.HttpContext.Response, held.CustomerIds, "Nothing was erased.",
                "an erasure is idempotent."),
            Erased e => Results.Ok(new ErasureView(id, e.Already ? ErasureResults.AlreadyErased : ErasureResults.Erased, e.Erasure.ErasedAt, e.Erasure.RequestedBy,
                e.Erasure.Fields, e.Erasure.EventsMasked, e.EventsKept)),
            var other => throw new InvalidOperationException($"unexpected erasure outcome {other}"),
        };
    }
}
