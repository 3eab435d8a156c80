using Npgsql;

namespace Tollgate.LoadTest.Options;

/// <summary>Checks that span options, once all are parsed.</summary>
internal static class OptionsValidation
{
    public static LoadTestOptions Check(LoadTestOptions options)
    {
        if (options.Targets.Count == 0)
        {
            throw new UsageException("--target: give at least one API host address");
        }

        if (options.Duration <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero || options.Phase <= TimeSpan.Zero)
        {
            throw new UsageException("--duration, --phase and --timeout must be longer than zero");
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            throw new UsageException(
                "--database is required for the audit: the cluster's PostgreSQL connection string (or set ConnectionStrings__Tollgate); scripts/local-cluster.sh prints it");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.Database);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException($"--database: not a PostgreSQL connection string ({exception.Message})");
        }

        if (string.IsNullOrEmpty(options.WebhookSecret))
        {
            throw new UsageException("--webhook-secret: give one of the API hosts' Stripe:WebhookSecrets");
        }

        if (options.SiloPorts.Count > 0 && options.SiloPorts.Count != options.AddSilos)
        {
            throw new UsageException($"--silo-ports: give {options.AddSilos} ports, one per added silo (--add-silos)");
        }

        if (options.Scenario == Scenario.Elastic && options.PhaseLength < TimeSpan.FromSeconds(1))
        {
            throw new UsageException("elastic: each phase must last at least 1s (--duration 3s or more, or --phase)");
        }

        return options;
    }
}
