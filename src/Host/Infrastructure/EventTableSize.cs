namespace EventCrm.Host.Infrastructure;

/// <summary>
/// What <see cref="EventTableStatistics"/> reads of the events table at each check, and whether it
/// analyzes the table now.
/// </summary>
/// <param name="Pages">The table's size now, in pages, rows not yet committed (and dead ones) included.</param>
/// <param name="AnalyzedPages">Its size at the last analysis (pg_class.relpages; 0 when never analyzed).</param>
/// <param name="AnalyzedRows">The live rows the last analysis found (pg_class.reltuples; -1 when never analyzed).</param>
/// <param name="LiveRows">The committed rows PostgreSQL's statistics counters know of now (n_live_tup).</param>
public readonly record struct EventTableSize(long Pages, long AnalyzedPages, double AnalyzedRows, long LiveRows)
{
    /// <summary>
    /// Past <see cref="EventTableStatistics.MinimumPages"/>: when the table has doubled since its last
    /// analysis, or when that analysis found fewer live rows than pages and rows have been committed
    /// since. An event's row takes far less than a page (large values go out of line), so such an
    /// analysis ran while most of the table was rows not yet committed, a burst's first appends in
    /// flight, or rolled back: it wrote no statistics or too few, and told the planner the table was
    /// (nearly) empty. Waiting for the table to double from there could take the whole burst, so the
    /// committed rows decide instead, once there are at least 500 of them and twice as many as that
    /// analysis found; the counters reach them seconds after the commits. Doubling keeps a table left
    /// mostly dead by a large rolled-back write, and written to a few rows at a time, from being
    /// analyzed at every check until it fills up.
    /// </summary>
    public bool NeedsAnalysis =>
        Pages >= Math.Max(EventTableStatistics.MinimumPages, 2 * AnalyzedPages)
        || (Pages >= EventTableStatistics.MinimumPages && AnalyzedRows < AnalyzedPages
            && LiveRows >= Math.Max(EventTableStatistics.MinimumPages, 2 * AnalyzedRows));
}
