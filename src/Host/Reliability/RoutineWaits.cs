using EventCrm.Host.Touchpoints;
using Wolverine.Runtime;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Failures that are a wait, not a fault. A desk step that met a customer held locked elsewhere runs
/// again later on purpose (<c>RetentionConfiguration.BusyCustomerRetries</c>), and the desk's own warning
/// says whom it waits for; Wolverine logs each such try at <c>Error</c> all the same ("Failed to process
/// message", then "was rescheduled to queue"), an operator's alert for a routine wait. Those entries are
/// written at <c>Information</c>.
/// </summary>
public static class RoutineWaits
{
    private static readonly string WolverineRuntimeCategory = typeof(WolverineRuntime).FullName!;

    public static LogLevel LevelOf(string category, LogLevel level, EventId eventId, Exception? exception) => level switch
    {
        LogLevel.Error when exception is not null && DatabaseFaults.Chain(exception).Any(e => e is CustomerBusyException) => LogLevel.Information,
        // Said after every failure a policy tries again later (only the busy customers' here), with no exception: the
        // failure itself is logged just before, at its own level.
        LogLevel.Error when eventId.Id == WolverineRuntime.RescheduledEventId && category == WolverineRuntimeCategory => LogLevel.Information,
        _ => level,
    };
}
