using System.Text.Json;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Value;

namespace EventCrm.Host.Replays;

/// <summary>
/// The replay's results as JSON, with serializers generated at build time: a replay writes a
/// customer's valuation and whole history, and reflection-based writing was a sixth of its CPU.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CustomerValuation))]
[JsonSerializable(typeof(IReadOnlyList<ReplayedPoint>))]
[JsonSerializable(typeof(List<ReplayedPoint>))]
public sealed partial class ReplayJson : JsonSerializerContext;
