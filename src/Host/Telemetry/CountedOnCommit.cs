using Marten;
using Marten.Services;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// Counts what a session staged once its transaction has committed: a step that loses a race and
/// rolls back (to run again) must not count twice.
/// </summary>
public sealed class CountedOnCommit(Action count) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        count();
        return Task.CompletedTask;
    }
}
