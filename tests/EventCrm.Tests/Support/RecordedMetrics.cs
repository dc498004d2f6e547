using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Support;

/// <summary>
/// What one host's meter records from now on, read in-process as an exporter would (a MeterListener).
/// Only the instruments of that host's own meter factory are heard: the hosts of other test classes,
/// running meanwhile in the same process, record on meters of the same name.
/// </summary>
public sealed class RecordedMetrics : IDisposable
{
    public sealed record Measured(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags);

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();

    public RecordedMetrics(IServiceProvider services, string meterName = "EventCrm")
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, factory)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measured.Enqueue(new Measured(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    /// <summary>Every measurement of the instrument so far, with the tag given when one is.</summary>
    public IReadOnlyList<Measured> Of(string instrument, string? tag = null, string? value = null) =>
        _measured.Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value))).ToList();

    public long Sum(string instrument, string? tag = null, string? value = null) => Of(instrument, tag, value).Sum(m => m.Value);

    /// <summary>Reads the observable instruments now, as an export would: the measurements of that reading.</summary>
    public IReadOnlyList<Measured> Observe(string instrument)
    {
        var before = _measured.Count;
        _listener.RecordObservableInstruments();
        return _measured.Skip(before).Where(m => m.Instrument == instrument).ToList();
    }

    public void Dispose() => _listener.Dispose();
}
