using Wolverine;
using Wolverine.ErrorHandling;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Background work run as a Wolverine message (a desk step: an assessment, an offer's expiry) that
/// meets a pooled connection out of step (<see cref="PreparedStatementsOutOfStep"/>) closes the node's
/// pooled connections, as a request does (<see cref="FaultProblems"/>), and runs again at once, on a
/// connection that prepares its statements afresh. The failed attempt's connection goes back to the
/// pool when its session is disposed, before the retry, and is closed there instead of being kept.
/// One policy for every handler: a step has nothing of its own to add to it.
/// </summary>
public static class OutOfStepMessageRetries
{
    /// <summary>Attempts in all, the first included: a second reset in a row would be another fault, left to the usual handling.</summary>
    public const int MaxAttempts = 3;

    public static WolverineOptions RetryOnFreshConnectionsWhenOutOfStep(this WolverineOptions opts)
    {
        opts.Policies.OnException(PreparedStatementsOutOfStep.Caused, "a pooled connection lost track of its prepared statements (26000)")
            .DoThenRetry(async (runtime, lifecycle, exception) =>
            {
                runtime.LoggerFactory.CreateLogger(typeof(OutOfStepMessageRetries)).LogWarning(
                    "{Message}: a database connection had lost track of its prepared statements ({Error}); the node's pooled connections are closed " +
                    "and opened afresh; run again now (attempt {Attempt} of {MaxAttempts})",
                    lifecycle.Envelope?.MessageType, DatabaseFaults.Chain(exception).Last().Message, (lifecycle.Envelope?.Attempts ?? 0) + 1, MaxAttempts);
                await runtime.Services.GetRequiredService<PreparedStatementsOutOfStep>().ReopenConnectionsAsync();
            }, MaxAttempts, "close the node's pooled connections, then run again");
        return opts;
    }
}
