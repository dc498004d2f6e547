using System.Threading.Channels;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Small requests arriving together share one transaction: a writer takes every request waiting
/// (up to <see cref="MaxTouchpoints"/>) and appends them at once, each decided and answered on
/// its own. Under load a request then waits for one shared commit instead of queueing behind as
/// many commits as there are callers (each a WAL flush), and the database does a fraction of the
/// statements. A request sharing a customer or a touchpoint id with one already taken waits for
/// the next transaction, so that requests of one transaction never depend on each other.
/// </summary>
internal sealed class AppendCombiner
{
    /// <summary>Transactions in flight at once: one is being decided while the other commits.</summary>
    public const int Writers = 2;
    public const int MaxTouchpoints = 500;

    private sealed record Pending(AppendRequest Request, TaskCompletionSource<AppendOutcome> Answer, CancellationToken Cancellation);

    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>();
    private readonly Func<IReadOnlyList<AppendRequest>, CancellationToken, Task<AppendOutcome[]>> _appendTogether;
    private readonly ILogger _logger;

    public AppendCombiner(Func<IReadOnlyList<AppendRequest>, CancellationToken, Task<AppendOutcome[]>> appendTogether, ILogger logger)
    {
        (_appendTogether, _logger) = (appendTogether, logger);
        for (var writer = 0; writer < Writers; writer++) _ = Task.Run(WriteAsync);
    }

    public Task<AppendOutcome> AppendAsync(AppendRequest request, CancellationToken ct)
    {
        var pending = new Pending(request, new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        _waiting.Writer.TryWrite(pending);
        return pending.Answer.Task;
    }

    private async Task WriteAsync()
    {
        var held = new List<Pending>();
        while (held.Count > 0 || await _waiting.Reader.WaitToReadAsync())
        {
            var group = Take(ref held);
            if (group.Count == 0) continue;
            try
            {
                // Not one caller's token: a caller giving up must not abort the others' transaction.
                var outcomes = await _appendTogether(group.Select(p => p.Request).ToList(), CancellationToken.None);
                for (var i = 0; i < group.Count; i++) group[i].Answer.TrySetResult(outcomes[i]);
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "A combined append of {Requests} requests failed", group.Count);
                foreach (var pending in group) pending.Answer.TrySetException(e);
            }
        }
    }

    /// <summary>The requests held back last time first, then the waiting ones, as long as they share nothing with those taken.</summary>
    private List<Pending> Take(ref List<Pending> held)
    {
        var (group, later) = (new List<Pending>(), new List<Pending>());
        var (customers, touchpoints, count) = (new HashSet<string>(), new HashSet<string>(), 0);
        foreach (var pending in held) Consider(pending);
        while (count < MaxTouchpoints && _waiting.Reader.TryRead(out var pending)) Consider(pending);
        held = later;
        return group;

        void Consider(Pending pending)
        {
            if (pending.Cancellation.IsCancellationRequested)
            {
                pending.Answer.TrySetCanceled(pending.Cancellation);
                return;
            }
            var batch = pending.Request.Batch;
            if (count >= MaxTouchpoints || batch.Any(t => customers.Contains(t.CustomerId) || touchpoints.Contains(t.Touchpoint.TouchpointId)))
            {
                later.Add(pending);
                return;
            }
            foreach (var item in batch)
            {
                customers.Add(item.CustomerId);
                touchpoints.Add(item.Touchpoint.TouchpointId);
            }
            group.Add(pending);
            count += batch.Count;
        }
    }
}
