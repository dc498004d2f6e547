using System.Text;

namespace EventCrm.Tests.DataTools;

/// <summary>An import file as an ERP export would give it: the import header, one row per touchpoint.</summary>
public sealed class HistoryFile
{
    public const string Header = "type,touchpointId,customerId,occurredAt,name,email,segment,acquisitionCost,orderId,amount,margin,category,durationMinutes,cost,resolved";
    private readonly StringBuilder _text;

    public HistoryFile(string header = Header) => _text = new StringBuilder(header).Append('\n');

    public HistoryFile SignUp(string customer, string at, string segment = "smb", string? id = null) =>
        Row("signed-up", id, customer, at, name: "Grace Hopper", email: "grace@example.com", segment: segment, acquisitionCost: "80");

    public HistoryFile Purchase(string customer, string at, string amount = "100", string margin = "30", string category = "rollers", string? id = null) =>
        Row("purchase", id, customer, at, orderId: $"o-{Guid.NewGuid():N}", amount: amount, margin: margin, category: category);

    public HistoryFile SupportCall(string customer, string at, string resolved = "true") =>
        Row("support-call", null, customer, at, durationMinutes: "20", cost: "12.5", resolved: resolved);

    public HistoryFile Line(string raw)
    {
        _text.Append(raw).Append('\n');
        return this;
    }

    public HistoryFile Row(string type, string? id, string customer, string at, string name = "", string email = "", string segment = "",
        string acquisitionCost = "", string orderId = "", string amount = "", string margin = "", string category = "",
        string durationMinutes = "", string cost = "", string resolved = "") =>
        Line(string.Join(",", type, id ?? $"tp-{Guid.NewGuid():N}", customer, at, name, email, segment, acquisitionCost, orderId, amount,
            margin, category, durationMinutes, cost, resolved));

    public override string ToString() => _text.ToString();

    public async Task<string> SaveAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, ToString());
        return path;
    }
}
