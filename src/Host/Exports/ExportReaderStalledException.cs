namespace EventCrm.Host.Exports;

/// <summary>
/// The export's client took nothing of a flush within the deadline (<see cref="EventExport.FlushDeadlineKey"/>):
/// the export is ended, its snapshot's transactions and its slot given back.
/// </summary>
public sealed class ExportReaderStalledException(TimeSpan deadline)
    : Exception($"The client took no part of the export's last {EventExportFlush.EventsPerFlush:N0} events within {deadline.TotalSeconds:0.###} s: the export was ended.");
