using System.Globalization;

namespace Tollgate.Bench;

/// <summary>
/// The machine-wide CPU counters of <c>/proc/stat</c> (all zero where there is none): busy, stolen (by the
/// hypervisor) and total time, in the kernel's ticks. Differences tell whether anything besides this process
/// used the cores during a run.
/// </summary>
public sealed record MachineCpu(long Busy, long Steal, long Total)
{
    public static MachineCpu Take()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4];
            return new MachineCpu(total - idle - fields[7], fields[7], total);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return new MachineCpu(0, 0, 0);
        }
    }

    /// <summary>Cores busy (excluding steal) and cores stolen between <paramref name="before"/> and this.</summary>
    public (double Busy, double Steal) CoresSince(MachineCpu before)
    {
        var total = Total - before.Total;
        return total <= 0
            ? (0, 0)
            : ((Busy - before.Busy) * (double)Environment.ProcessorCount / total, (Steal - before.Steal) * (double)Environment.ProcessorCount / total);
    }
}
