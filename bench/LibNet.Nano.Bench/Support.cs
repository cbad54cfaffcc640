using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace NanoLibNet.Bench
{
    /// <summary>A LibNet task started for a measurement; <see cref="Join"/> rethrows what it threw.</summary>
    internal sealed class TaskRun
    {
        private static int s_seq;
        private Exception _fault;

        private TaskRun(string name)
        {
            Name = name;
        }

        internal string Name { get; }

        internal static TaskRun Start(string prefix, Action<string> body, int mailboxCapacity = SysPlus.DefaultMailboxCapacity)
        {
            TaskRun run = new TaskRun(prefix + "-" + Interlocked.Increment(ref s_seq));
            bool ok = SysPlus.TaskInitEx(
                arg =>
                {
                    try
                    {
                        body(run.Name);
                    }
                    catch (Exception ex)
                    {
                        run._fault = ex;
                    }
                },
                run.Name,
                null,
                null,
                mailboxCapacity);
            if (!ok)
            {
                throw new InvalidOperationException("task " + run.Name + " did not start");
            }

            return run;
        }

        internal void Join(int timeoutMs = 120000)
        {
            if (!SysPlus.Join(Name, timeoutMs))
            {
                throw new TimeoutException("task " + Name + " did not end within " + timeoutMs + " ms");
            }

            if (_fault != null)
            {
                throw new InvalidOperationException("task " + Name + " failed: " + _fault.Message, _fault);
            }
        }
    }

    /// <summary>Medians and percentiles (nearest rank) over samples.</summary>
    internal static class Stats
    {
        internal static double Median(IList<double> values)
        {
            return Percentile(values, 50);
        }

        internal static double Percentile(IList<double> values, double p)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            double[] a = new double[values.Count];
            values.CopyTo(a, 0);
            Array.Sort(a);
            int rank = (int)Math.Ceiling(p / 100.0 * a.Length);
            if (rank < 1)
            {
                rank = 1;
            }

            return a[Math.Min(rank, a.Length) - 1];
        }

        internal static double Mean(IList<double> values)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++)
            {
                sum += values[i];
            }

            return values.Count == 0 ? double.NaN : sum / values.Count;
        }

        internal static double TicksToMicros(long ticks)
        {
            return ticks * 1e6 / Stopwatch.Frequency;
        }

        internal static double TicksToMs(long ticks)
        {
            return ticks * 1e3 / Stopwatch.Frequency;
        }

        internal static string F(double v, int decimals = 1)
        {
            if (double.IsNaN(v))
            {
                return "n/a";
            }

            return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// The harness's result table (markdown), printed at the end of a run. In smoke mode (CI,
    /// tiny sizes) the figures mean nothing and targets are not judged: each row is reported only
    /// as a measurement that ran; the table, targets and verdicts belong to the full harness and
    /// docs/performance.md.
    /// </summary>
    internal sealed class Report
    {
        private readonly bool _smoke;
        private readonly List<string[]> _rows = new List<string[]>();
        private readonly List<string> _notes = new List<string>();

        internal Report(bool smoke)
        {
            _smoke = smoke;
        }

        /// <summary>One row: ratio is LibNet/raw for "higher is better" figures as given; met may be null (no target).</summary>
        internal void Row(string metric, string libnet, string raw, string ratio, string target, bool? met)
        {
            string m = met == null ? "-" : (met.Value ? "yes" : "NO");
            _rows.Add(new[] { metric, libnet, raw, ratio, target, m });
            Console.WriteLine(_smoke ? "  ran: " + metric : "  | " + string.Join(" | ", _rows[_rows.Count - 1]) + " |");
        }

        internal void Note(string text)
        {
            _notes.Add(text);
            if (!_smoke)
            {
                Console.WriteLine("  note: " + text);
            }
        }

        internal void Print()
        {
            Console.WriteLine();
            if (_smoke)
            {
                Console.WriteLine(_rows.Count + " measurements ran (smoke sizes; figures come from the full harness: docs/performance.md)");
                return;
            }

            Console.WriteLine("| metric | LibNet | raw | ratio | target | met? |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (string[] r in _rows)
            {
                Console.WriteLine("| " + string.Join(" | ", r) + " |");
            }

            if (_notes.Count > 0)
            {
                Console.WriteLine();
                foreach (string n in _notes)
                {
                    Console.WriteLine("- " + n);
                }
            }
        }
    }
}
