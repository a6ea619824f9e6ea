using Plugboard.Bench;

// bench/run SCENARIO: prints one JSON line per figure; progress and errors go to stderr.
var scenario = args.FirstOrDefault() ?? "";
var work = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".work");
work = Path.GetFullPath(work);
Directory.CreateDirectory(work);

string? Text(string name)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}

int[] Counts(string name, int[] fallback) =>
    Text(name) is { } list ? list.Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : fallback;

switch (scenario)
{
    case PeerComparison.ChildMode:
        return await PeerComparison.ChildAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
    case "rpc":
        await RpcScenario.RunAsync(work, Path.GetFullPath(Path.Combine(work, "..", "..")), Option("calls", 20000), Option("starts", 5), Text("aot-plugin"));
        return 0;
    case "sync":
        await SyncScenario.RunAsync(work, Option("packages", 500));
        return 0;
    case "center":
        await CenterScenario.RunAsync(work, Option("plugins", 2000), Option("versions", 5), Option("seconds", 10), Option("connections", 32), Option("installs", 3));
        return 0;
    case "managed":
        await ManagedScenario.RunAsync(work, Counts("hosts", [1, 10, 50]), Option("watchers", 500));
        return 0;
    case "load":
        await LoadScenario.RunAsync(work, Option("plugins", 100), Option("cycles", 1000), Option("peer-rounds", 7), Text("r2r-harness"));
        return 0;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'; scenarios: load, sync, rpc, center, managed");
        return 2;
}
