namespace EventCrm.Host.Imports;

public enum LineErrorKind { Invalid, Refused }

/// <summary>A bad row: invalid (its fields) or refused (by the ingestion decision: unknown customer, conflict).</summary>
public sealed record ImportLineError(int Line, string Reason, LineErrorKind Kind);

public enum ImportOutcome
{
    /// <summary>Every valid row is in the store (appended now or before).</summary>
    Completed,
    /// <summary>The file is unreadable (header, quoting) or has bad rows and --skip-invalid was not given: nothing was appended.</summary>
    Refused,
    /// <summary>A row was refused while appending (another writer got there between the check and the append): the rows before it are appended.</summary>
    Stopped,
}

/// <param name="StoppedAtLine">When <see cref="ImportOutcome.Stopped"/>: the first line of the batch that was not appended; every valid row before it is in the store.</param>
/// <param name="Checking">How long the checking pass took (reading the file and deciding every row).</param>
/// <param name="Appending">How long the appending pass took, the statistics of the events table refreshed after it included.</param>
/// <param name="Rejected">The bad rows in line order, at most <see cref="BadRows.MaxListed"/> of them.</param>
/// <param name="RejectedTotal">How many rows were bad in all.</param>
/// <param name="AnyInvalid">Whether some of them are bad in their own fields, not only refused by the store.</param>
public sealed record ImportReport(
    string ImportId, ImportOutcome Outcome, int Rows, int Imported, int Repeated, IReadOnlyList<ImportLineError> Rejected, string? FileError = null,
    int? StoppedAtLine = null, TimeSpan Checking = default, TimeSpan Appending = default, int RejectedTotal = 0, bool AnyInvalid = false)
{
    public static ImportReport Unreadable(string importId, string error) => new(importId, ImportOutcome.Refused, 0, 0, 0, [], error);
}

public enum ImportPhase { Checking, Appending }
