using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Coordination;

/// <summary>Renews this replica's leases every <see cref="CoordinationOptions.RenewInterval"/>, so long work (an Init, a sync) keeps its lease.</summary>
public sealed class LeaseRenewal(Leases leases, TimeProvider time, IOptions<CenterOptions> options, ILogger<LeaseRenewal> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!leases.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Coordination.RenewInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await leases.RenewAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Renewing this replica's leases failed; it tries again, and its leases lapse if the store stays away");
            }
        }
    }
}
