using EventCrm.Host.Sharding;
using EventCrm.Host.Infrastructure;
using System.Text.Json;
using JasperFx.CommandLine;

namespace EventCrm.Host.Audit.Anchors;

public class AuditAnchorInput : NetCoreInput
{
    [Description("Also writes the anchor to this file, to be kept outside the database")]
    public string? OutFlag { get; set; }
}

[Description("Prints a digest of every seal so far in each database (JSON), to keep outside the database and check later with audit-verify --anchor", Name = "audit-anchor")]
public class AuditAnchorCommand : DataVerb<AuditAnchorInput>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    protected override async Task<bool> Run(AuditAnchorInput input)
    {
        using var host = input.BuildHost();
        if (await host.Services.GetRequiredService<EventLogCheck>().AuditedLogProblemAsync(CancellationToken.None) is { } missing)
            return CommandFailure.Report("audit-anchor", missing);
        if (await CustomerDatabasePlaceCheck.ReadingRefusalAsync(host.Services, "audit-anchor") is { } layout) return CommandFailure.Report("audit-anchor", layout);
        var anchor = await host.Services.GetRequiredService<SealDigests>().TakeAsync(CancellationToken.None);
        var json = JsonSerializer.Serialize(anchor, Json);
        if (input.OutFlag is { } file)
        {
            try
            {
                await File.WriteAllTextAsync(file, json + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The user's path, not a fault of the service: one line naming it, as export does, not a stack trace.
                return CommandFailure.Report("audit-anchor", $"--out {file}: cannot be written: {e.Message}");
            }
        }
        Console.WriteLine(json);
        return true;
    }
}
