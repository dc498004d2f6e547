namespace EventCrm.Host.Sharding;

/// <summary>
/// The words of <see cref="CustomerDatabasePlaceCheck"/>'s refusals told to a command that only reads (<c>export</c>,
/// <c>audit-verify</c>, <c>audit-anchor</c>): what it would have read wrong, where the service and the commands that
/// write are told what would be written wrong. The refusal is the same; "customers would be written ... Nothing was
/// written" only read oddly to an operator who had asked for an export.
/// </summary>
public static class ReadingRefusals
{
    /// <summary>A database of a deployment over several, not its home, given alone.</summary>
    public static string OnePlaceAlone(string command, int position) =>
        $"over it alone, {command} would read only the customers this database holds, as if they were all of them (the other databases' " +
        $"left out without a word), and under the name \"default\", not {TenancySettings.TenantIdOf(position)}.";

    /// <summary>The database set beside a deployment's list, which the service never reads, given alone.</summary>
    public static string NoneOfTheCustomers(string command) =>
        $"what {command} would read here is none of the service's customers, as if it were theirs.";

    /// <summary>Databases listed at other places than the ones recorded in them.</summary>
    public static string Misplaced(string command, IEnumerable<(string Where, int ListedAt, int RecordedAs)> moved) =>
        $"{command} would read {string.Join("; ", moved.Select(m => $"{m.Where} as {TenancySettings.TenantIdOf(m.ListedAt)}, though it holds " +
                                                                         $"{TenancySettings.TenantIdOf(m.RecordedAs)}'s customers"))}: " +
        "what it gives would name the wrong database, and every customer there would be taken for one held by a database its id does not route to. ";

    /// <summary>Another number of databases than the customers were written over.</summary>
    public static string OverAnotherNumber(string command, int configured) =>
        $"{command} would read them as if written over {configured} database(s): each looked for where it is not, some left out. ";

    public static string NothingRead(string command) => $"{command} stopped before reading any customer.";
}
