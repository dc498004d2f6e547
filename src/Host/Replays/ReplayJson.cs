using System.Text.Json;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Value;

namespace EventCrm.Host.Replays;

/// <summary>
/// The replay's results as JSON, with serializers generated at build time: a replay writes every
/// customer's valuation, and reflection-based writing was a sixth of its CPU. (Histories are read
/// back from replays that stored them, before 2026-12-04.)
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CustomerValuation))]
[JsonSerializable(typeof(List<ReplayedPoint>))]
public sealed partial class ReplayJson : JsonSerializerContext;
