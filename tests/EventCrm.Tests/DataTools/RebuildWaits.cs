using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;

namespace EventCrm.Tests.DataTools;

public static class RebuildWaits
{
    /// <summary>Polls the status resource, as an operator would, until the last rebuild is over.</summary>
    public static async Task<JsonNode> UntilCompleted(IAlbaHost host, string projection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await host.GetJson($"/api/projections/{projection}");
            var state = status["lastRebuild"]?["state"]?.GetValue<string>();
            if (state is "completed") return status;
            if (state is "failed") throw new InvalidOperationException($"Rebuild failed: {status["lastRebuild"]!["error"]}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Rebuild of {projection} still {state} after 60 s");
            await Task.Delay(100);
        }
    }
}
