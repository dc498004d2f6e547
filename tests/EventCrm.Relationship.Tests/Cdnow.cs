using System.Globalization;
using EventCrm.Relationship.Value;

namespace EventCrm.Relationship.Tests;

// The CDNOW research data copied into Data/cdnow (see the README there for its source).
public static class Cdnow
{
    // FHL 2005's calibration period ends with week 39: 1997-01-01 .. 1997-09-30, inclusive.
    public static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Data", "cdnow", file);

    public static IReadOnlyList<CustomerPurchase<int>> Transactions { get; } = ReadTransactions();

    public static IReadOnlyList<PublishedSummary> PublishedSummaries { get; } = ReadPublishedSummaries();

    public static IReadOnlyList<CalibrationSummary<int>> CalibrationSummaries { get; } =
        Value.CalibrationSummaries.From(Transactions, CalibrationEnd);

    public sealed record PublishedSummary(int Id, int X, double Tx, double T, double Zbar);

    // Raw rows: master id, sample id (1..2357), yyyymmdd, number of CDs, dollar value.
    private static List<CustomerPurchase<int>> ReadTransactions() =>
        File.ReadLines(PathOf("CDNOW_sample.txt"))
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new CustomerPurchase<int>(
                int.Parse(f[1], CultureInfo.InvariantCulture),
                DateOnly.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture),
                decimal.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();

    private static List<PublishedSummary> ReadPublishedSummaries() =>
        File.ReadLines(PathOf("cdnow_customers_summary_with_transactions.csv"))
            .Skip(1)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Trim().Split(','))
            .Select(f => new PublishedSummary(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture),
                double.Parse(f[3], CultureInfo.InvariantCulture),
                double.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();
}
