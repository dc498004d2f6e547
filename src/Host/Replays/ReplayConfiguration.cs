using EventCrm.Host.Infrastructure;
using Wolverine;

namespace EventCrm.Host.Replays;

public static class ReplayConfiguration
{
    public const string AtOnceKey = "Replays:AtOnce";
    public const string MaxUnfinishedKey = "Replays:MaxUnfinished";

    /// <summary>
    /// How many replays may be unfinished (computing or waiting their turn) before a new one asked
    /// over HTTP is refused: each holds its results (a row per customer and touchpoint) and hours of
    /// a core, and asking for every date of a year would otherwise queue them all.
    /// </summary>
    public static int MaxUnfinishedOf(IConfiguration configuration)
    {
        var max = configuration.GetValue(MaxUnfinishedKey, 10);
        return max >= 1 ? max : throw new SettingRefusedException($"{MaxUnfinishedKey} must be 1 or more, not {max}.");
    }

    /// <summary>
    /// How many replays a node computes at a time; the others wait their turn in the node's durable
    /// queue (state `running`, nothing more done meanwhile). A replay already values on every core and holds up to a few hundred MB:
    /// two at once would share the cores and add up their memory.
    /// </summary>
    public static WolverineOptions ConfigureReplays(this WolverineOptions opts, IConfiguration configuration)
    {
        var atOnce = configuration.GetValue(AtOnceKey, 1);
        if (atOnce < 1) throw new SettingRefusedException($"{AtOnceKey} must be 1 or more, not {atOnce}.");
        MaxUnfinishedOf(configuration);
        opts.LocalQueueFor<RunReplay>().MaximumParallelMessages(atOnce);
        return opts;
    }
}
