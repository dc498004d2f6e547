using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// Settings the service reads only now and then (an erasure's wait for the sealer, a rebuild's swap,
/// an import's rows kept between passes) and the connection strings are read at start, by the service
/// and every command alike: a value that cannot be read stops the start and names its key. Until
/// 2026-12-05 the service started with them, and every erasure, import or rebuild then answered 500
/// (found by running the service with Privacy__SealWait=abc); an unreadable connection string said
/// only "Format of the initialization string does not conform to specification".
/// </summary>
public class when_a_setting_cannot_be_read
{
    [Theory]
    [InlineData("Privacy__SealWait", "abc", "Privacy:SealWait must be a duration")]
    [InlineData("Privacy__SealWait", "-00:00:05", "Privacy:SealWait must be a duration")]
    [InlineData("Rebuilds__SwapTriesFor", "30s", "Rebuilds:SwapTriesFor must be a duration")]
    [InlineData("Privacy__SealWait", "15", "Privacy:SealWait must be a duration")]      // a bare number would read as 15 days
    [InlineData("Import__KeptBetweenPasses", "abc", "Import:KeptBetweenPasses must be a whole number")]
    [InlineData("Import__KeptBetweenPasses", "-1", "Import:KeptBetweenPasses must be a whole number")]
    [InlineData("Import__MaxConcurrent", "two", "Import:MaxConcurrent must be a whole number")]
    [InlineData("Import__SpoolFolder", "/no/such/folder", "Import:SpoolFolder must be an existing folder")]
    [InlineData("Export__MaxConcurrent", "four", "Export:MaxConcurrent must be a whole number")]
    [InlineData("Export__FlushDeadline", "60", "Export:FlushDeadline must be a duration")]      // a bare number would read as 60 days
    [InlineData("Export__FlushDeadline", "00:00:00", "Export:FlushDeadline must be more than zero")]
    [InlineData("Audit__MaxConcurrentVerifications", "one", "Audit:MaxConcurrentVerifications must be a whole number")]
    [InlineData("Auth__UnknownKeysPerMinute", "thirty", "Auth:UnknownKeysPerMinute must be a whole number")]
    [InlineData("Auth__RequestsPerSecondPerKey", "-1", "Auth:RequestsPerSecondPerKey must be a whole number")]
    [InlineData("Auth__RequestsPerSecondPerKey", "2.5", "Auth:RequestsPerSecondPerKey must be a whole number")]
    [InlineData("Tenancy__Databases__0", "garbage", "Tenancy:Databases:0 is not a PostgreSQL connection string")]
    [InlineData("ConnectionStrings__EventCrm", "garbage", "ConnectionStrings:EventCrm is not a PostgreSQL connection string")]
    public async Task the_start_stops_naming_the_key(string variable, string value, string message)
    {
        var file = Path.Combine(Path.GetTempPath(), $"setting-{Guid.NewGuid():N}.ndjson");

        var (exit, output, errors) = await HostCommandLine.Run(
            new Dictionary<string, string> { ["Marten__Schema"] = AppFixture.Schema, [variable] = value }, "export", "--out", file);

        exit.ShouldNotBe(0, output);
        errors.ShouldContain(message, customMessage: output);
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task an_unreadable_connection_string_is_not_repeated_in_the_message()
    {
        var (exit, _, errors) = await HostCommandLine.Run(
            new Dictionary<string, string> { ["ConnectionStrings__EventCrm"] = "Host=db.example;Password=s3cret-pw;No Such Key=1" }, "export", "--out", "x");

        exit.ShouldNotBe(0);
        errors.ShouldContain("ConnectionStrings:EventCrm is not a PostgreSQL connection string");
        errors.ShouldNotContain("s3cret-pw");
    }

    [Fact]
    public async Task readable_values_start_as_before()
    {
        var file = Path.Combine(Path.GetTempPath(), $"setting-{Guid.NewGuid():N}.ndjson");

        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string>
        {
            ["Marten__Schema"] = AppFixture.Schema, ["Privacy__SealWait"] = "00:00:02", ["Rebuilds__SwapTriesFor"] = "1.00:00:00",
            ["Import__KeptBetweenPasses"] = "0", ["Import__MaxConcurrent"] = "1", ["Audit__MaxConcurrentVerifications"] = "1", ["Auth__UnknownKeysPerMinute"] = "1",
            ["Auth__RequestsPerSecondPerKey"] = "0",
        }, "export", "--out", file, "--types", "purchase", "--customer", "nobody");

        exit.ShouldBe(0, errors + output);
        File.Delete(file);
    }
}
