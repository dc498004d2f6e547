using Wolverine.Attributes;

namespace EventCrm.Host.Replays;

public static class RunReplayHandler
{
    /// <summary>A replay of a large log runs for minutes: far beyond the default handler timeout.</summary>
    [MessageTimeout(4 * 3600)]
    public static Task Handle(RunReplay command, ReplayEngine engine, CancellationToken ct) => engine.RunAsync(command.ReplayId, null, ct);
}
