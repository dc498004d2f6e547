using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

public sealed class ScheduledAnchorsHost() : SchemaHost("eventcrm_anchor_schedule", ("Audit:AnchorFolder", Folder), ("Audit:AnchorEvery", "00:00:01"))
{
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), $"eventcrm-anchors-{Guid.NewGuid():N}");

    protected override Task AfterStopAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>With Audit:AnchorFolder set, the service keeps anchors outside the database on its own, one every Audit:AnchorEvery.</summary>
public class when_anchors_are_written_on_a_schedule(ScheduledAnchorsHost app) : IClassFixture<ScheduledAnchorsHost>
{
    [Fact]
    public async Task anchors_land_in_the_folder_at_the_pace_set_and_each_one_verifies()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });
        await app.Store.CatchUp();
        var head = (await app.Store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
        var sealedAt = DateTimeOffset.UtcNow;

        // Taken since (the folder also holds anchors of the base as it was before the fixture emptied it).
        var covering = await Waits.For(() => Anchors().FirstOrDefault(a => a["takenAt"]!.GetValue<DateTimeOffset>() > sealedAt));
        covering["databases"]![0]!["sequence"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(head);
        (await app.Host.PostJson("/api/audit/anchor/verify", covering, 200))["valid"]!.GetValue<bool>().ShouldBeTrue();

        var count = Anchors().Count;
        await Waits.Until(() => Anchors().Count >= count + 2);
        // At the pace set, never faster: a second between anchors (the pace follows the newest one in the folder).
        var taken = Anchors().Select(a => a["takenAt"]!.GetValue<DateTimeOffset>()).Where(t => t > sealedAt).Order().ToList();
        taken.Zip(taken.Skip(1), (earlier, later) => later - earlier).ShouldAllBe(gap => gap >= TimeSpan.FromSeconds(0.9));
        foreach (var later in Anchors().Where(a => a["takenAt"]!.GetValue<DateTimeOffset>() > sealedAt))
            (await app.Host.PostJson("/api/audit/anchor/verify", later, 200))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task a_folder_that_can_no_longer_be_read_is_logged_and_the_service_goes_on()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"eventcrm-anchors-{Guid.NewGuid():N}");
        var logs = new CapturedLogs();
        await using var host = await AppFixture.StartHost("eventcrm_anchor_failure", logs, ("Audit:AnchorFolder", folder), ("Audit:AnchorEvery", "00:00:01"));
        try
        {
            await Waits.Until(() => Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any());
            // Gone, and a file in its place: not even root writes an anchor into that.
            Directory.Delete(folder, recursive: true);
            await File.WriteAllTextAsync(folder, "not a folder");

            await Waits.Until(() => logs.Since(0).Any(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error &&
                e.Message.StartsWith("Could not write the scheduled audit anchor")));
            (await host.GetJson("/health"))["status"]!.GetValue<string>().ShouldBe("healthy");
        }
        finally
        {
            File.Delete(folder);
        }
    }

    [Theory]
    [InlineData("Audit__AnchorEvery", "1d")]
    [InlineData("Audit__AnchorEvery", "00:00:00")]
    public async Task a_schedule_that_cannot_run_stops_the_service_at_its_start_naming_the_setting(string variable, string value)
    {
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string>
        {
            ["Marten__Schema"] = "eventcrm_anchor_settings", ["Audit__AnchorFolder"] = ScheduledAnchorsHost.Folder, [variable] = value,
            ["Urls"] = "http://127.0.0.1:0",
        });

        exit.ShouldNotBe(0);
        (output + errors).ShouldContain("Audit:AnchorEvery");
    }

    private static List<JsonNode> Anchors() =>
        [.. Directory.EnumerateFiles(ScheduledAnchorsHost.Folder, "anchor-*.json").Order().Select(file => JsonNode.Parse(File.ReadAllText(file))!)];
}
