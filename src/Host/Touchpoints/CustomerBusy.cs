using EventCrm.Host.Infrastructure;
using EventCrm.Host.Telemetry;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// The one answer of every route refused because a customer's stream is locked by another
/// transaction (POST /api/touchpoints, an erasure): 503 "Customer busy", <c>Retry-After</c>, and
/// <c>errors.customerId</c> naming the customers held (docs/reliability.md).
/// </summary>
public static class CustomerBusy
{
    /// <summary>Retry-After of a request whose customer is busy: a lock held that long is likely held a while more.</summary>
    public const int RetryAfterSeconds = 2;

    public const string Title = "Customer busy";

    /// <param name="whatWasDone">What the request did nothing of, or what it did, in a sentence.</param>
    /// <param name="howToRetry">What sending the request again does, in a sentence.</param>
    public static IResult Answer(HttpResponse response, IReadOnlyList<string> busy, string whatWasDone, string howToRetry)
    {
        response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        response.HttpContext.RequestServices.GetService<EventCrmMetrics>()?.CustomerBusy();
        var held = busy.Count == 1 ? $"customer {busy[0]} is" : $"one of the customers {string.Join(", ", busy)} is";
        return Problems.Unavailable(
            $"The stream of {held} locked by another transaction (still after {StreamLocks.SharedWait.TotalSeconds:0} s): the customer is busy. " +
            $"{whatWasDone} Send the request again in {RetryAfterSeconds} seconds; {howToRetry}", Title,
            new Dictionary<string, string[]> { ["customerId"] = busy.Select(c => $"{c} is busy: its stream is locked by another transaction").ToArray() });
    }
}
