using System.Threading.Channels;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Requests arriving together share one transaction: a writer takes every request waiting (up to
/// a number of touchpoints) and appends them at once, each decided in turn and answered on its
/// own. Under load a request then waits for one shared commit instead of queueing behind as many
/// commits as there are callers (each a WAL flush), the database does a fraction of the
/// statements, and requests for the same customers no longer queue on each other's stream locks.
/// </summary>
internal sealed class AppendCombiner
{
    /// <summary>Transactions in flight at once: one is being decided while the other commits.</summary>
    public const int Writers = 2;

    private sealed record Pending(AppendRequest Request, TaskCompletionSource<AppendOutcome> Answer, CancellationToken Cancellation);

    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>();
    private readonly Func<IReadOnlyList<AppendRequest>, CancellationToken, Task<AppendOutcome[]>> _appendTogether;
    private readonly int _maxTouchpoints, _maxWaiting;
    private readonly ILogger _logger;
    private int _waitingTouchpoints;

    /// <param name="maxWaiting">Touchpoints that may wait for a writer; beyond them a request is refused (<see cref="AppendQueueFullException"/>).</param>
    public AppendCombiner(Func<IReadOnlyList<AppendRequest>, CancellationToken, Task<AppendOutcome[]>> appendTogether, int maxTouchpoints,
        int maxWaiting, ILogger logger)
    {
        (_appendTogether, _maxTouchpoints, _maxWaiting, _logger) = (appendTogether, maxTouchpoints, maxWaiting, logger);
        for (var writer = 0; writer < Writers; writer++) _ = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Queues the request for a writer, unless the queue already holds its bound: while the database
    /// is slow every waiting request keeps its body in memory, and callers without limit would take
    /// it all. A request alone in the queue is always taken, however large.
    /// </summary>
    public Task<AppendOutcome> AppendAsync(AppendRequest request, CancellationToken ct)
    {
        var size = request.Batch.Count;
        var waiting = Interlocked.Add(ref _waitingTouchpoints, size);
        if (waiting > _maxWaiting && waiting > size)
        {
            Interlocked.Add(ref _waitingTouchpoints, -size);
            throw new AppendQueueFullException(waiting - size);
        }
        var pending = new Pending(request, new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        _waiting.Writer.TryWrite(pending);
        return pending.Answer.Task;
    }

    private async Task WriteAsync()
    {
        Pending? next = null;
        while (next is not null || await _waiting.Reader.WaitToReadAsync())
        {
            var group = Take(ref next);
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

    /// <summary>The request that did not fit last time first, then the waiting ones in arrival order, up to the limit.</summary>
    private List<Pending> Take(ref Pending? next)
    {
        var group = new List<Pending>();
        var count = 0;
        for (var pending = next; pending is not null || TryTake(out pending); pending = null)
        {
            next = null;
            if (pending.Cancellation.IsCancellationRequested)
            {
                pending.Answer.TrySetCanceled(pending.Cancellation);
                continue;
            }
            if (group.Count > 0 && count + pending.Request.Batch.Count > _maxTouchpoints)
            {
                next = pending;
                break;
            }
            group.Add(pending);
            count += pending.Request.Batch.Count;
        }
        return group;
    }

    private bool TryTake(out Pending pending)
    {
        if (!_waiting.Reader.TryRead(out pending!)) return false;
        Interlocked.Add(ref _waitingTouchpoints, -pending.Request.Batch.Count);
        return true;
    }
}
