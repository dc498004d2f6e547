using System.Diagnostics;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Load;

/// <summary>A base of signed-up customers (bench-000001 ...), posted through the API as arrays of 500 from parallel clients.</summary>
public static class CustomerBase
{
    public const int ArraySize = 500;

    public static string IdOf(int number) => $"bench-{number:D6}";

    public static async Task SignUpAsync(BenchContext ctx, ApiClient api, int customers, int clients, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var starts = Enumerable.Range(0, (customers + ArraySize - 1) / ArraySize).Select(i => 1 + i * ArraySize).ToArray();
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var factory = new TouchpointFactory($"base-{client}", 1000 + client);
            int i;
            while ((i = Interlocked.Increment(ref next)) < starts.Length)
            {
                var first = starts[i];
                var body = factory.Array(w =>
                {
                    for (var n = first; n < Math.Min(first + ArraySize, customers + 1); n++)
                        factory.Signup(w, IdOf(n), factory.Recent(now, 3 * 365));
                });
                var result = await api.PostTouchpointsAsync(body, ct);
                if ((int)result.Status != 201)
                    throw new InvalidOperationException($"signing up the base failed: {(int)result.Status} {result.Problem}");
            }
        }));
        ctx.Log($"base of {customers:N0} signed-up customers posted in {watch.Elapsed.TotalSeconds:F1} s ({customers / watch.Elapsed.TotalSeconds:N0}/s)");
    }
}
