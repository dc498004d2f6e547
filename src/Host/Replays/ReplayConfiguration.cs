using Wolverine;

namespace EventCrm.Host.Replays;

public static class ReplayConfiguration
{
    public const string AtOnceKey = "Replays:AtOnce";

    /// <summary>
    /// How many replays a node computes at a time; the others wait their turn in the node's durable
    /// queue (state `running`, nothing more done meanwhile). A replay already values on every core and holds up to a few hundred MB:
    /// two at once would share the cores and add up their memory.
    /// </summary>
    public static WolverineOptions ConfigureReplays(this WolverineOptions opts, IConfiguration configuration)
    {
        var atOnce = configuration.GetValue(AtOnceKey, 1);
        if (atOnce < 1) throw new InvalidOperationException($"{AtOnceKey} must be 1 or more, not {atOnce}.");
        opts.LocalQueueFor<RunReplay>().MaximumParallelMessages(atOnce);
        return opts;
    }
}
