namespace EventCrm.Tests.Support;

/// <summary>
/// Scenarios that kill processes or stop databases and hold the machine's two cores to a time
/// limit (a take-over within 30 s): they run on their own, after the parallel ones, so a busy
/// neighbour cannot make them miss their limit.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultScenarios
{
    public const string Name = "fault scenarios";
}
