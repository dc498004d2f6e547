using EventCrm.Host.Rebuilds;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Three customers (sp-1 to sp-3), each signed up and with one purchase, in a schema of their own,
/// whose profiles' rebuild reads its first page of streams only when the scenario lets it
/// (<see cref="GatedProfileFolds"/>): a page as slow to read as a cold process or 50,000 events make it.
/// </summary>
public sealed class SlowProfileReadBase() : SchemaHost(SchemaName)
{
    public static readonly string SchemaName = $"eventcrm_slowprofiles_{Environment.ProcessId}";

    public static string Customer(int n) => $"sp-{n}";

    public GatedProfileFolds Folds => (GatedProfileFolds)Host.Services.GetRequiredService<ProfileFolds>();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ProfileFolds, GatedProfileFolds>();

    protected override Task SeedAsync() =>
        Host.PostTouchpoints(Enumerable.Range(1, 3).SelectMany(n => new[] { SignUp(Customer(n), Jan1, name: $"Customer {n}"), Purchase(Customer(n), Jan1.AddDays(5)) }).ToArray());

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}

/// <summary>Holds the first page read, once read, until <see cref="Release"/>; later reads go through.</summary>
public sealed class GatedProfileFolds(CustomerDatabases databases) : ProfileFolds(databases)
{
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public Task Reading => _reading.Task;
    public List<IReadOnlyList<string>> Reads { get; } = [];

    public void Release() => _released.TrySetResult();

    public override async Task<Dictionary<string, FoldedProfile>> FoldAsync(string tenant, IReadOnlyList<string> customerIds, CancellationToken ct)
    {
        lock (Reads) Reads.Add(customerIds);
        // Read first, then held: what a writer appends meanwhile is not in what this read saw.
        var folded = await base.FoldAsync(tenant, customerIds, ct);
        if (Interlocked.Increment(ref _calls) == 1)
        {
            _reading.TrySetResult();
            await _released.Task.WaitAsync(ct);
        }
        return folded;
    }
}
