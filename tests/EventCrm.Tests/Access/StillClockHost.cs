using Alba;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Access;

/// <summary>
/// A Host of its own, on a clock the tests move, so that the access limits' windows and buckets
/// are decided by the scenario, and their counts see no other test class's requests.
/// </summary>
public abstract class StillClockHost(params (string Key, string Value)[] settings) : IAsyncLifetime
{
    public StillClock Clock { get; } = new(DateTimeOffset.UtcNow);
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await AppFixture.StartHost(AppFixture.Schema, services => services.AddSingleton<TimeProvider>(Clock), settings);

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}

/// <summary>Every access setting at its default.</summary>
public sealed class GuessingHost() : StillClockHost;

public sealed class KeyRateHost() : StillClockHost((KeyRateHost.SettingKey, "2"))
{
    public const string SettingKey = "Auth:RequestsPerSecondPerKey";
}
