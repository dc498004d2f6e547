namespace EventCrm.Host.Replays;

/// <summary>A new replay asked while as many as <c>Replays:MaxUnfinished</c> are still unfinished: nothing was started.</summary>
public sealed class ReplayQueueFullException(long unfinished)
    : Exception($"{unfinished:N0} replays are unfinished (computing or waiting their turn), the most this service keeps ({ReplayConfiguration.MaxUnfinishedKey}).")
{
    /// <summary>A replay of a large log takes minutes: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 60;
}
