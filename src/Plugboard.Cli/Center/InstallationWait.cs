using System.CommandLine;
using Plugboard.Cli.Console;
using static Plugboard.Server.Api.InstallationsApi;

namespace Plugboard.Cli.Center;

/// <summary>
/// <c>--wait</c>: follows an installation until the controller has realized the generation a command asked for, and
/// it is Active or Failed; prints each phase it passes through and, at the end, the reason.
/// </summary>
internal static class InstallationWait
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    public static Option<bool> WaitOption() => new("--wait", "-w") { Description = "Wait until the installation is Active or Failed, and print the reason." };

    public static Option<TimeSpan> TimeoutOption() => new("--timeout")
    {
        Description = "How long --wait waits (e.g. 30s, 5m). Default: 5m.",
        HelpName = "DURATION",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        CustomParser = result => Duration(result.Tokens.Single().Value) is { } value ? value : Fail(result),
    };

    /// <summary>Waits for <paramref name="generation"/>; the exit code: 0 when Active, 1 when Failed or the wait ran out.</summary>
    public static async Task<(int ExitCode, CenterReply<InstallationDto> Last)> WaitAsync(
        CliContext context, CenterClient client, string id, long generation, TimeSpan timeout, bool quiet, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? lastPhase = null;
        CenterReply<InstallationDto>? reply = null;
        try
        {
            while (true)
            {
                reply = await client.GetAsync<InstallationDto>($"api/v1/installations/{CenterClient.Escape(id)}", deadline.Token);
                var installation = reply.Value;
                var current = installation.ObservedGeneration >= generation;
                if (!quiet && installation.Phase != lastPhase)
                {
                    lastPhase = installation.Phase;
                    context.Console.Out.WriteLine($"  {CenterOutput.Time(installation.UpdatedAt)}  {installation.Phase,-22} {installation.Reason}");
                }

                if (current && installation.Phase is "Active" or "Failed")
                {
                    return (installation.Phase == "Active" ? ExitCodes.Success : ExitCodes.Failure, reply);
                }

                await Task.Delay(Interval, TimeProvider.System, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && reply is not null)
        {
            context.Console.Error.WriteLine($"error: {id} is still {reply.Value.Phase} after {timeout} ({reply.Value.Reason}); 'plugboard status {id}' shows where it is, or wait longer with --timeout.");
            return (ExitCodes.Failure, reply);
        }
    }

    /// <summary>The last line of a wait: Active with the version, or Failed with the reason.</summary>
    public static void Report(CliContext context, InstallationDto installation)
    {
        if (installation.Phase == "Active")
        {
            context.Console.Out.WriteLine($"{installation.Id} is Active: {installation.Plugin} {installation.Version}. 'plugboard status {installation.Id}' shows its Init metadata and Verify result.");
        }
        else
        {
            context.Console.Error.WriteLine($"error: {installation.Id} ({installation.Plugin} {installation.Version ?? installation.PinnedVersion ?? string.Empty}) Failed: {installation.Reason}");
        }
    }

    private static TimeSpan? Duration(string text)
    {
        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) && text.Contains(':', StringComparison.Ordinal))
        {
            return span;
        }

        var unit = text.Length > 0 ? text[^1] : ' ';
        return double.TryParse(text.AsSpan(0, Math.Max(text.Length - 1, 0)), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => null }
            : null;
    }

    private static TimeSpan Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"'{result.Tokens.Single().Value}' is not a duration; write 30s, 5m or 1h.");
        return default;
    }
}
