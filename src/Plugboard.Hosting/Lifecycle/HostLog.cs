using Microsoft.Extensions.Logging;
using Plugboard.Manifests;

namespace Plugboard.Hosting;

/// <summary>
/// Every message the host logs, source-generated (<see cref="LoggerMessageAttribute"/>): a disabled level costs one
/// <see cref="ILogger.IsEnabled"/> check, and no message template is parsed or argument boxed at run time, which keeps
/// logging out of a host's start-up time when nobody listens. Event ids are stable: filter and alert on them.
/// </summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "Plugboard started: {ActiveCount} plugin(s) active, {FailedCount} failed, {OtherCount} not loaded")]
    public static partial void Started(this ILogger logger, int activeCount, int failedCount, int otherCount);

    [LoggerMessage(2, LogLevel.Information, "Plugboard stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "The plugins directory {PluginsDirectory} does not exist; only built-in plugins are loaded")]
    public static partial void PluginsDirectoryMissing(this ILogger logger, string pluginsDirectory);

    [LoggerMessage(10, LogLevel.Information, "Discovered {PluginId} {PluginVersion} ({Runtime}); {Reason}")]
    public static partial void Discovered(this ILogger logger, string pluginId, string? pluginVersion, PluginRuntimeKind runtime, string? reason);

    [LoggerMessage(11, LogLevel.Information, "Plugin {PluginId} {PluginVersion} is active")]
    public static partial void Active(this ILogger logger, string pluginId, string pluginVersion);

    [LoggerMessage(12, LogLevel.Information, "Plugin {PluginId} {PluginVersion} is active, replacing {PreviousVersion}")]
    public static partial void ActiveReplacing(this ILogger logger, string pluginId, string pluginVersion, string previousVersion);

    [LoggerMessage(13, LogLevel.Information, "Plugin {PluginId} {PluginVersion} is serving again: {Reason}")]
    public static partial void ServingAgain(this ILogger logger, string pluginId, string pluginVersion, string? reason);

    [LoggerMessage(14, LogLevel.Warning, "Plugin {PluginId} {PluginVersion} is not serving; its status shows Failed until it serves again: {Reason}")]
    public static partial void NotServing(this ILogger logger, string pluginId, string pluginVersion, string? reason);

    [LoggerMessage(15, LogLevel.Error, "Recording the health of {PluginId} {PluginVersion} failed")]
    public static partial void HealthRecordingFailed(this ILogger logger, Exception exception, string pluginId, string pluginVersion);

    [LoggerMessage(20, LogLevel.Error, "Plugin {PluginId} failed: {Reason}")]
    public static partial void Failed(this ILogger logger, string pluginId, string reason);

    [LoggerMessage(21, LogLevel.Error, "Plugin {PluginId} {PluginVersion} could not be loaded; {ActiveVersion} stays active: {Reason}")]
    public static partial void FailedKeepingActive(this ILogger logger, string pluginId, string? pluginVersion, string activeVersion, string reason);

    [LoggerMessage(22, LogLevel.Warning, "A Changed handler threw for {PluginId}")]
    public static partial void ChangedHandlerThrew(this ILogger logger, Exception exception, string pluginId);

    [LoggerMessage(23, LogLevel.Warning, "Disposing the failed version of {PluginId} threw")]
    public static partial void DisposingFailedVersionThrew(this ILogger logger, Exception exception, string pluginId);

    [LoggerMessage(30, LogLevel.Warning, "{InFlight} call(s) still running on {PluginId} {PluginVersion} after {DrainTimeout}; disposing it anyway")]
    public static partial void DrainTimedOut(this ILogger logger, long inFlight, string pluginId, string pluginVersion, TimeSpan drainTimeout);

    [LoggerMessage(31, LogLevel.Warning, "Disposing {PluginId} {PluginVersion} threw")]
    public static partial void DisposingThrew(this ILogger logger, Exception exception, string pluginId, string pluginVersion);

    [LoggerMessage(32, LogLevel.Debug, "Unloaded {PluginId} {PluginVersion}")]
    public static partial void Unloaded(this ILogger logger, string pluginId, string pluginVersion);

    [LoggerMessage(33, LogLevel.Warning, "The code of {PluginId} {PluginVersion} is still referenced {UnloadTimeout} after unloading (a static cache, an event handler or a running thread holds its types); its memory is not reclaimed until they let go")]
    public static partial void StillReferenced(this ILogger logger, string pluginId, string pluginVersion, TimeSpan unloadTimeout);

    [LoggerMessage(40, LogLevel.Debug, "Plugin folder {PluginFolder} is as when last read; nothing to reload")]
    public static partial void FolderUnchanged(this ILogger logger, string pluginFolder);

    [LoggerMessage(41, LogLevel.Information, "Plugin folder {PluginFolder} changed; reloading")]
    public static partial void FolderChanged(this ILogger logger, string pluginFolder);

    [LoggerMessage(42, LogLevel.Information, "Plugin folder {PluginFolder} was removed; unloading {PluginId}")]
    public static partial void FolderRemoved(this ILogger logger, string pluginFolder, string pluginId);

    [LoggerMessage(43, LogLevel.Warning, "Watching {PluginsDirectory} lost events; rescanning every plugin folder")]
    public static partial void WatchLostEvents(this ILogger logger, Exception? exception, string pluginsDirectory);

    [LoggerMessage(44, LogLevel.Error, "Reacting to a change in {PluginFolder} failed")]
    public static partial void ReactingToChangeFailed(this ILogger logger, Exception exception, string pluginFolder);

    [LoggerMessage(45, LogLevel.Information, "Rescanning {PluginsDirectory} found {PluginFolder} changed without a file-system event; reloading it")]
    public static partial void RescanFoundChange(this ILogger logger, string pluginsDirectory, string pluginFolder);

    [LoggerMessage(46, LogLevel.Warning, "Rescanning {PluginsDirectory} for changed plugin folders failed; trying again in the next interval")]
    public static partial void RescanFailed(this ILogger logger, Exception exception, string pluginsDirectory);
}
