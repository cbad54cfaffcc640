using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace NanoLibNet.Mqtt.Bench
{
    /// <summary>One client's figures, and the side-by-side table.</summary>
    public sealed class Results
    {
        public string Name;
        public string Failure;

        /// <summary>True until a measurement failed (<see cref="Failure"/> says which and why).</summary>
        public bool Ok => Failure == null;
        public double Qos0Rate;
        public double Qos1Rate;
        public double Qos1PipelinedRate;
        public double RttP50Us;
        public double RttP99Us;
        public double AllocQos0;
        public double AllocQos1;
        public double AllocRoundTrip;
        public int ClientThreads;
        public int ProcessThreadsAdded;

        /// <summary>Runs <paramref name="op"/> up to <paramref name="count"/> times or <paramref name="maxSeconds"/>; returns (done, seconds, bytes allocated in the process).</summary>
        public static void Time(Func<int, bool> op, int count, double maxSeconds, out int done, out double seconds, out long allocated)
        {
            long a0 = GC.GetTotalAllocatedBytes(true);
            Stopwatch sw = Stopwatch.StartNew();
            done = 0;
            long limit = (long)(maxSeconds * Stopwatch.Frequency);
            while (done < count && sw.ElapsedTicks < limit)
            {
                if (!op(done))
                {
                    throw new InvalidOperationException("operation " + done + " failed");
                }

                done++;
            }

            seconds = sw.Elapsed.TotalSeconds;
            allocated = GC.GetTotalAllocatedBytes(true) - a0;
        }

        public static double Percentile(List<double> sorted, double p)
        {
            if (sorted.Count == 0)
            {
                return double.NaN;
            }

            int i = (int)Math.Ceiling(p * sorted.Count) - 1;
            return sorted[Math.Max(0, Math.Min(sorted.Count - 1, i))];
        }

        public static void Print(Results a, Results b, bool smoke)
        {
            if (smoke)
            {
                Console.WriteLine(a.Name + ": " + (a.Ok ? "ran" : "FAILED: " + a.Failure));
                Console.WriteLine(b.Name + ": " + (b.Ok ? "ran" : "FAILED: " + b.Failure));
                return;
            }

            Console.WriteLine();
            Console.WriteLine("| metric | " + a.Name + " | " + b.Name + " |");
            Console.WriteLine("|---|---|---|");
            Row("publish QoS 0, 64 B (msgs/s)", a.Qos0Rate, b.Qos0Rate, "N0");
            Row("publish QoS 1, 64 B, one at a time, PUBACK awaited (msgs/s)", a.Qos1Rate, b.Qos1Rate, "N0");
            Row("publish QoS 1, 64 B, 16 in flight (msgs/s)", a.Qos1PipelinedRate, b.Qos1PipelinedRate, "N0");
            Row("round trip through the broker, QoS 0, 64 B, p50 (µs)", a.RttP50Us, b.RttP50Us, "N0");
            Row("round trip through the broker, QoS 0, 64 B, p99 (µs)", a.RttP99Us, b.RttP99Us, "N0");
            Row("allocated per QoS 0 publish (B, whole process)", a.AllocQos0, b.AllocQos0, "N1");
            Row("allocated per QoS 1 publish (B, whole process)", a.AllocQos1, b.AllocQos1, "N1");
            Row("allocated per round trip (B, whole process)", a.AllocRoundTrip, b.AllocRoundTrip, "N1");
            Row("threads the client runs on", a.ClientThreads, b.ClientThreads, "N0");
            Row("threads the process gained while connected", a.ProcessThreadsAdded, b.ProcessThreadsAdded, "N0");
            if (!a.Ok || !b.Ok)
            {
                Console.WriteLine("failures: " + a.Failure + " " + b.Failure);
            }
        }

        private static void Row(string metric, double x, double y, string format)
        {
            Console.WriteLine("| " + metric + " | " + x.ToString(format, CultureInfo.InvariantCulture) + " | " + y.ToString(format, CultureInfo.InvariantCulture) + " |");
        }
    }
}
