namespace EventCrm.Host.Imports;

/// <summary>
/// Where an import reads its file from, opened afresh for each pass (the check, a comparison, the append): a file named
/// on the command line, or the spool of an upload, which has no name left (<see cref="ImportSpool"/>).
/// </summary>
public sealed class ImportSource(Func<Stream> open)
{
    public Stream Open() => open();

    public static ImportSource OfFile(string path) =>
        new(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
}
