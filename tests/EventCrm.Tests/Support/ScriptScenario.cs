namespace EventCrm.Tests.Support;

/// <summary>
/// What the scenarios of ./eventcrm in a <see cref="ScriptSandbox"/> share: the stand-in for dotnet whose Host the
/// scenario plays, and the environment of a run over a demo cluster of its own.
/// </summary>
public static class ScriptScenario
{
    /// <summary>
    /// dotnet as ./eventcrm calls it: `build` does nothing; `dotnet bin/.../EventCrm.Host.dll ARGS` runs the bash lines
    /// <paramref name="host"/> ($1 the dll, then the Host's arguments; $here the sandbox's folder), which end with their
    /// own exit and `;;`. Any other call fails (exit 64) naming itself: a call the script should not make fails the scenario.
    /// </summary>
    public static string DotnetWhoseHostRuns(string host) => $$"""
        here="$(dirname "$(dirname "$(readlink -f "$0")")")"
        case "$1" in
          build) exit 0 ;;
          *EventCrm.Host.dll)
        {{host}}
        esac
        echo "unexpected: dotnet $*" >&2
        exit 64
        """;

    /// <summary>No connection string (the script's own demo cluster, on <paramref name="clusterPort"/>), the service on a free port.</summary>
    public static Dictionary<string, string> OnItsOwnDemoCluster(int clusterPort) => new()
    {
        ["ConnectionStrings__EventCrm"] = "",
        ["EVENTCRM_PG_PORT"] = $"{clusterPort}",
        ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
    };
}
