using Shouldly;

namespace EventCrm.Tests.Support;

/// <summary>Polling for what the service does in the background (leadership, the daemon, schedules).</summary>
public static class Waits
{
    private static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task Until(Func<bool> condition, TimeSpan? within = null) => Until(() => Task.FromResult(condition()), within);

    /// <summary>Fails once <paramref name="within"/> (30 s by default: several leadership polls) has passed without the condition holding.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var limit = within ?? Default;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"not so within {limit}");
            await Task.Delay(50);
        }
    }

    /// <summary>The first thing found, polling until there is one.</summary>
    public static async Task<T> For<T>(Func<T?> find, TimeSpan? within = null) where T : class
    {
        T? found = null;
        await Until(() => (found = find()) is not null, within);
        return found!;
    }
}
