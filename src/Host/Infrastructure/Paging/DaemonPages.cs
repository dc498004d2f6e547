namespace EventCrm.Host.Infrastructure.Paging;

/// <summary>
/// How many events the async projections take per page. At the head of the log a page is a burst of
/// work that concurrent appends queue behind, so pages are short there; far behind (after an
/// import, a restart, a new projection) throughput matters, so pages are long.
/// docs/design.md, "What the single-post tail is made of".
/// </summary>
public sealed record DaemonPages(int Live, int CatchUp, long CatchUpLag)
{
    public static DaemonPages From(IConfiguration configuration) => new(
        Setting(configuration, "Marten:DaemonPageSize", 25, 10_000),
        Setting(configuration, "Marten:DaemonCatchUpPageSize", 500, 10_000),
        Setting(configuration, "Marten:DaemonCatchUpLag", 5_000, int.MaxValue));

    /// <summary>
    /// The page size for projections <paramref name="lag"/> events behind the log, given the current
    /// one: catch-up pages from <see cref="CatchUpLag"/> on, live pages again once within a fifth of
    /// it (in between, the current size stays, so a lag hovering at the threshold does not flap).
    /// </summary>
    public int For(long lag, int current) =>
        lag >= CatchUpLag ? CatchUp
        : lag <= CatchUpLag / 5 ? Live
        : current;

    private static int Setting(IConfiguration configuration, string key, int defaultValue, int max) =>
        configuration[key] is not { Length: > 0 } text ? defaultValue
        : int.TryParse(text, out var value) && value >= 1 && value <= max ? value
        : throw new SettingRefusedException($"{key} must be a whole number from 1 to {max}, not \"{text}\".");
}
