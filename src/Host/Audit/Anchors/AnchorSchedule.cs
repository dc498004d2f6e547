using System.Globalization;
using System.Text.Json;
using EventCrm.Host.Infrastructure.Leadership;
using Microsoft.Extensions.Options;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>
/// Writes an anchor to <c>Audit:AnchorFolder</c> every <c>Audit:AnchorEvery</c>, so that one is
/// kept outside the database without anyone having to remember. The node that runs the home
/// database's projections writes it (the seals are that node's work); the schedule follows the
/// newest anchor in the folder, so a restart or another node taking over keeps its pace.
/// </summary>
public sealed class AnchorSchedule(SealDigests digests, LeadershipCoordinator coordinator, IOptions<AnchorScheduleOptions> options,
    TimeProvider clock, ILogger<AnchorSchedule> logger) : BackgroundService
{
    private const string Prefix = "anchor-", TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    /// <summary>How often a node that does not lead looks again (or sooner, with a short schedule).</summary>
    private static readonly TimeSpan FollowerCheck = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.AnchorFolder is not { Length: > 0 } folder) return;
        var every = options.Value.AnchorEvery;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = FollowerCheck;
            try
            {
                var due = NewestIn(folder) is { } newest ? newest + every : clock.GetUtcNow();
                if (due > clock.GetUtcNow()) wait = Min(due - clock.GetUtcNow(), FollowerCheck);
                else if (await coordinator.LeadsHomeDatabaseAsync()) wait = TimeSpan.Zero;
                else wait = Min(every, FollowerCheck);
                if (wait == TimeSpan.Zero) await WriteAsync(folder, stoppingToken);
            }
            catch (Exception e)
            {
                if (stoppingToken.IsCancellationRequested) return;
                logger.LogError(e, "Could not write the scheduled audit anchor to {Folder}; trying again in a minute", folder);
                wait = FollowerCheck;
            }
            if (wait > TimeSpan.Zero && !await WaitAsync(wait, stoppingToken)) return;
        }
    }

    /// <summary>False once the service stops.</summary>
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(wait, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WriteAsync(string folder, CancellationToken ct)
    {
        var anchor = await digests.TakeAsync(ct);
        var file = Path.Combine(folder, $"{Prefix}{anchor.TakenAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}.json");
        var partial = file + ".partial";
        await File.WriteAllTextAsync(partial, JsonSerializer.Serialize(anchor, AuditAnchorCommand.Json) + "\n", ct);
        File.Move(partial, file, overwrite: true);
        logger.LogInformation("Audit anchor written to {File}: {Seals} seals", file, anchor.Databases.Sum(d => d.Seals));
    }

    /// <summary>When the newest anchor of the folder was taken, read from its name.</summary>
    private static DateTimeOffset? NewestIn(string folder) =>
        Directory.EnumerateFiles(folder, $"{Prefix}*.json")
            .Select(path => DateTimeOffset.TryParseExact(Path.GetFileNameWithoutExtension(path)[Prefix.Length..], TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null)
            .Max();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
