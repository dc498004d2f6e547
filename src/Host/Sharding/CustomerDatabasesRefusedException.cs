namespace EventCrm.Host.Sharding;

/// <summary>
/// The databases given cannot be where the customers are (listed in another order, another number of them, one database
/// of a deployment alone): the start stops in one line with exit code 1 (<see cref="Infrastructure.StartRefusals"/>),
/// as a command's refusal does, where an unhandled InvalidOperationException aborted with its stack trace (exit code 134).
/// </summary>
public sealed class CustomerDatabasesRefusedException(string message) : InvalidOperationException(message);
