using EventCrm.Host.Retention;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shouldly;
using Wolverine;
using Wolverine.Runtime;

namespace EventCrm.Tests.Retention;

/// <summary>
/// The daemon starts before Wolverine. Over a base holding requests to assess (the first start after a
/// seed over two databases), the subscription's first page came while Wolverine was still starting:
/// publishing threw <see cref="WolverineHasNotStartedException"/>, logged as a failed subscription with
/// its stack trace before the service listened (the daemon tried again later, and the requests were
/// decided). Now the page waits for the host to have started, and a normal start logs no failure.
/// </summary>
public class when_the_service_starts_over_requests_to_assess
{
    private const string Schema = "eventcrm_start_assessing";

    [Fact]
    public async Task the_requests_wait_for_wolverine_and_are_decided_with_no_failure_logged()
    {
        string alpha;
        // Written with no daemon, so that the request is still to assess when the service starts.
        await using (var writer = await AppFixture.StartHost(Schema, ("Marten:Daemon", "off")))
        {
            await writer.ResetAllData();
            alpha = await RetentionClients.Alpha(writer);
            await RetentionClients.RequestCancellation(writer, alpha);
            await writer.StopAsync();
        }

        var logs = new CapturedLogs(LogLevel.Debug);
        var wolverineHeldBack = new WolverineHeldBack(logs);
        await using var service = await AppFixture.StartHost(Schema, services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                wolverineHeldBack.PutBeforeWolverine(services);
            },
            ($"Logging:LogLevel:{typeof(CancellationSubscription).FullName}", "Debug"));

        // The scenario took place: the subscription had the request in hand while Wolverine had not started.
        wolverineHeldBack.SawThePage.ShouldBeTrue("the daemon never reached the request while Wolverine was held back: the scenario did not happen");
        logs.Since(0).Where(e => e.Level >= LogLevel.Error && (Failed(e.Exception) || e.Message.Contains(CancellationSubscription.Name)))
            .Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name}").ShouldBeEmpty();
        // Alpha is worth keeping (when_a_client_asks_to_cancel: a current value of 18,181.82, the gold tier): an offer.
        (await RetentionClients.Decision(service, alpha))["decision"]!.GetValue<string>().ShouldBe("offer-made");
        await service.StopAsync();
    }

    private static bool Failed(Exception? exception) =>
        exception is not null && (exception is WolverineHasNotStartedException || Failed(exception.InnerException) ||
                                  exception is AggregateException all && all.InnerExceptions.Any(Failed));

    /// <summary>
    /// A hosted service started just before Wolverine's, which waits until the subscription has had its page:
    /// failed on it (as before), or said it waits for the host. The daemon, started before, runs meanwhile.
    /// </summary>
    private sealed class WolverineHeldBack(CapturedLogs logs) : IHostedService
    {
        public bool SawThePage { get; private set; }

        public void PutBeforeWolverine(IServiceCollection services)
        {
            var wolverine = services.Select((descriptor, index) => (descriptor, index)).First(d => d.descriptor.ServiceType == typeof(IHostedService)
                && d.descriptor.ImplementationFactory?.Method.DeclaringType?.Assembly == typeof(IWolverineRuntime).Assembly).index;
            services.Insert(wolverine, ServiceDescriptor.Singleton<IHostedService>(this));
        }

        public async Task StartAsync(CancellationToken ct)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!SawThePage && DateTime.UtcNow < deadline)
            {
                SawThePage = logs.Since(0).Any(e => Failed(e.Exception) ||
                    e.Category == typeof(CancellationSubscription).FullName && e.Message.Contains("waiting for the host"));
                await Task.Delay(50, ct);
            }
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
