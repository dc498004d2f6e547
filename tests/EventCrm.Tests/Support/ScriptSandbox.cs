using System.Diagnostics;
using System.Text;

namespace EventCrm.Tests.Support;

/// <summary>
/// ./eventcrm and its database helpers in a folder of their own (its .data/ there), src/Host being
/// the real one, with a stand-in for dotnet on the PATH whose body the scenario writes: the script
/// is tried as an operator runs it, without a build or a real service.
/// </summary>
public sealed class ScriptSandbox : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("eventcrm-script-").FullName;

    /// <param name="fakeDotnet">the body of a bash script called as dotnet (`build ...`, `bin/.../EventCrm.Host.dll ...`).</param>
    public ScriptSandbox(string fakeDotnet)
    {
        var repository = HostCommandLine.RepositoryFolder();
        // As a repository is: its clusters in its .data/, which PostgreSQL's own user must reach
        // (a temporary folder is the owner's only, and the script would move them to /var/tmp).
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(Folder, "scripts"));
        Directory.CreateDirectory(Path.Combine(Folder, "src"));
        Directory.CreateDirectory(Path.Combine(Folder, "bin"));
        File.Copy(Path.Combine(repository, "eventcrm"), Path.Combine(Folder, "eventcrm"));
        File.Copy(Path.Combine(repository, "scripts", "db.sh"), Path.Combine(Folder, "scripts", "db.sh"));
        File.CreateSymbolicLink(Path.Combine(Folder, "src", "Host"), Path.Combine(repository, "src", "Host"));
        var dotnet = Path.Combine(Folder, "bin", "dotnet");
        File.WriteAllText(dotnet, "#!/usr/bin/env bash\n" + fakeDotnet);
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// A sandbox whose seeder holds (as the seeding of the demo base takes a minute) while the file
    /// `hold` is there, having written its PID to `seeder.pid`, then finds the base present; whose
    /// service prints the run's banner (as the Host does once it listens), writes `serving` and
    /// serves until a SIGTERM. Each gives up after a minute.
    /// </summary>
    public static ScriptSandbox WithHeldSeeder()
    {
        var sandbox = new ScriptSandbox("""
            here="$(dirname "$(dirname "$(readlink -f "$0")")")"
            case "$1" in
              build) exit 0 ;;
              *EventCrm.Host.dll)
                if [ "${2:-}" = seed-demo ]; then
                  echo $$ > "$here/seeder.pid"
                  for _ in $(seq 1 600); do [ -e "$here/hold" ] || exit 3; sleep 0.1; done
                  exit 3
                fi
                trap 'exit 0' TERM
                # As the Host does once it listens (RunBanner).
                printf '%s\n\n' "$EVENTCRM_RUN_BANNER" >&2
                echo $$ > "$here/serving"
                for _ in $(seq 1 600); do sleep 0.1; done
                exit 0 ;;
            esac
            echo "unexpected: dotnet $*" >&2
            exit 64
            """);
        File.WriteAllText(sandbox.PathOf("hold"), "");
        return sandbox;
    }

    /// <summary>`./eventcrm VERB ARGS` started in the background, as from a terminal of its own.</summary>
    public Script Start(IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder };
        start.ArgumentList.Add(PathOf("eventcrm"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PATH"] = $"{Path.Combine(Folder, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return new Script(Process.Start(start)!, string.Join(' ', arguments));
    }

    /// <summary>`./eventcrm VERB ARGS` to its end (at most <paramref name="within"/>, or it is stopped and the scenario fails).</summary>
    public async Task<(int ExitCode, string Output, string Errors)> Run(IDictionary<string, string> environment, TimeSpan within, params string[] arguments)
    {
        using var script = Start(environment, arguments);
        return await script.Ended(within);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    public static string RealDotnet() => Environment.GetEnvironmentVariable("PATH")!.Split(':')
        .Select(folder => Path.Combine(folder, "dotnet"))
        .First(File.Exists);

    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>A started ./eventcrm: what it has written so far, and its end.</summary>
    public sealed class Script : IDisposable
    {
        private readonly Process _process;
        private readonly string _verb;
        private readonly StringBuilder _output = new(), _errors = new();

        public Script(Process process, string verb)
        {
            _process = process;
            _verb = verb;
            _process.OutputDataReceived += (_, line) => { lock (_output) _output.AppendLine(line.Data); };
            _process.ErrorDataReceived += (_, line) => { lock (_errors) _errors.AppendLine(line.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Pid => _process.Id;
        public string Errors { get { lock (_errors) return _errors.ToString(); } }
        public string Output { get { lock (_output) return _output.ToString(); } }

        public async Task Said(string text, TimeSpan within)
        {
            var until = DateTime.UtcNow + within;
            while (!Errors.Contains(text))
            {
                if (_process.HasExited || DateTime.UtcNow > until)
                    throw new TimeoutException($"./eventcrm {_verb} did not say '{text}'. It said: {Output} {Errors}");
                await Task.Delay(100);
            }
        }

        public async Task<(int ExitCode, string Output, string Errors)> Ended(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"./eventcrm {_verb}, or a process it started (holding its output), was still running after {within}: stopped. {Output} {Errors}");
            }
            _process.WaitForExit(); // the last lines read
            return (_process.ExitCode, Output, Errors);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
