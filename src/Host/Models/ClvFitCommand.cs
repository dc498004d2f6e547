using System.Globalization;
using System.Text.Json;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Value;
using JasperFx.CommandLine;

namespace EventCrm.Host.Models;

public class ClvFitInput
{
    [Description("CSV file with the header customer_id,date,amount (date as yyyy-MM-dd)")]
    public string TransactionsFlag { get; set; } = "";

    [Description("Last day of the calibration period, inclusive (yyyy-MM-dd)")]
    public string CalibrationEndFlag { get; set; } = "";
}

public sealed record ClvFitResult(int Customers, int Repeaters, double R, double Alpha, double A, double B, double LogLikelihood,
    double P, double Q, double Gamma, double GgLogLikelihood);

/// <summary>
/// Fits BG/NBD and Gamma-Gamma to a transaction file, for data work outside the event store.
/// Several rows of one customer on one day are one purchase occasion; weeks are the time unit.
/// The last line printed is the fit as one JSON object.
/// </summary>
[Description("Fits BG/NBD + Gamma-Gamma by maximum likelihood to a transactions CSV", Name = "clv-fit")]
public class ClvFitCommand : JasperFxCommand<ClvFitInput>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override bool Execute(ClvFitInput input)
    {
        if (!DateOnly.TryParseExact(input.CalibrationEndFlag, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            return Fail("--calibration-end must be a date as yyyy-MM-dd");
        if (!File.Exists(input.TransactionsFlag))
            return Fail($"--transactions: no file '{input.TransactionsFlag}'");

        try
        {
            var result = Fit(Read(input.TransactionsFlag), end);
            Console.WriteLine($"BG/NBD over {result.Customers} customers, Gamma-Gamma over {result.Repeaters} repeat buyers:");
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    public static ClvFitResult Fit(IEnumerable<CustomerPurchase<string>> purchases, DateOnly calibrationEnd)
    {
        var summaries = CalibrationSummaries.From(purchases, calibrationEnd);
        var purchaseFit = BgNbd.Fit(summaries.Select(s => s.History));
        var spendFit = GammaGamma.Fit(summaries.Where(s => s.Spend is not null).Select(s => s.Spend!.Value));
        var (p, s) = (purchaseFit.Parameters, spendFit.Parameters);
        return new ClvFitResult(summaries.Count, spendFit.Customers, p.R, p.Alpha, p.A, p.B, purchaseFit.LogLikelihood,
            s.P, s.Q, s.Gamma, spendFit.LogLikelihood);
    }

    public static IEnumerable<CustomerPurchase<string>> Read(string path)
    {
        using var reader = new StreamReader(path);
        var rows = new List<CustomerPurchase<string>>();
        foreach (var (line, fields, misquoted) in CsvRows.Read(reader))
        {
            if (misquoted.Count > 0)
                throw new InvalidDataException($"line {line}: cell {misquoted[0].Index + 1} {misquoted[0].Problem}");
            if (line == 1)
            {
                if (!fields.SequenceEqual(["customer_id", "date", "amount"]))
                    throw new InvalidDataException($"line 1: the header must be customer_id,date,amount; found {string.Join(",", fields)}");
                continue;
            }
            if (fields.Length != 3 || fields[0].Length == 0
                || !DateOnly.TryParseExact(fields[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || !decimal.TryParse(fields[2], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
                throw new InvalidDataException($"line {line}: expected customer_id,yyyy-MM-dd,amount");
            rows.Add(new CustomerPurchase<string>(fields[0], date, amount));
        }
        return rows;
    }

    private static bool Fail(string message) => CommandFailure.Report("clv-fit", message);
}
