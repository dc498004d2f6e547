using EventCrm.Relationship.Ingestion;

namespace EventCrm.Host.Touchpoints;

public enum TouchpointResult { Appended, Repeated }

public sealed record TouchpointReceipt(int Index, string TouchpointId, string CustomerId, TouchpointResult Result);

/// <summary>
/// What became of a batch: every touchpoint appended or repeated, or the reasons none was; or,
/// <see cref="Withdrawn"/>, nothing written because the batch it was to commit after failed; or,
/// <see cref="Busy"/>, nothing written because a customer's stream stayed locked by another transaction.
/// </summary>
/// <param name="Busy">The customers of a batch whose stream locks could not be had in time (<see cref="StreamLocks.SharedWait"/>), one of them held elsewhere.</param>
public sealed record AppendOutcome(IReadOnlyList<TouchpointReceipt> Receipts, IReadOnlyList<Rejection> Rejections, bool TooMuchContention = false,
    bool Withdrawn = false, IReadOnlyList<string>? Busy = null)
{
    public static readonly AppendOutcome WithdrawnOutcome = new([], [], Withdrawn: true);

    public bool IsBusy => Busy is { Count: > 0 };
    public bool Accepted => Rejections.Count == 0 && !TooMuchContention && !Withdrawn && !IsBusy;
    public int Appended => Receipts.Count(r => r.Result == TouchpointResult.Appended);
    public int Repeated => Receipts.Count(r => r.Result == TouchpointResult.Repeated);
}
