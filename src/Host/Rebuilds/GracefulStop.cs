using System.Runtime.InteropServices;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM during the <c>rebuild</c> command: cancels its token instead of letting the runtime end the
/// process where it stands, so the rebuild unwinds as a node's graceful stop does. The command then exits with the
/// shell's code for that signal (130, 143), after saying what was left. A second signal while it unwinds is ignored:
/// cleaning up takes a moment, and kill -9 remains for a process that must end at once.
/// </summary>
public sealed class GracefulStop : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private string? _signal;

    public GracefulStop() => _registrations = [Register(PosixSignal.SIGINT, "SIGINT"), Register(PosixSignal.SIGTERM, "SIGTERM")];

    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that stopped the command (SIGINT, SIGTERM), or null while none came.</summary>
    public string? Signal => Volatile.Read(ref _signal);

    /// <summary>128 plus the signal's number, as a shell reports a process ended by it.</summary>
    public static int ExitCodeOf(string signal) => signal == "SIGINT" ? 130 : 143;

    private PosixSignalRegistration Register(PosixSignal signal, string name) => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref _signal, name, null) is null) _stop.Cancel();
    });

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
