using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>
    /// The managed heap of a repeated operation, sampled (after full collections) every
    /// <see cref="Window"/> cycles over <see cref="Windows"/> windows. A leak grows the heap in
    /// every window by the same amount; the runtime grows it in a few (its own tables: steps of
    /// 170 to 360 KB were seen in one or two windows; loopback sockets warm up over the first
    /// 100 cycles by 20 to 40 KB a window). So the median window must stay within
    /// <see cref="WindowNoise"/> plus <see cref="PerCycle"/> bytes a cycle, and the whole run
    /// within <see cref="StepNoise"/> plus as much a cycle.
    /// </summary>
    internal sealed class HeapTrend
    {
        /// <summary>Growth any window may show whatever its length (allocation contexts, caches).</summary>
        internal const long WindowNoise = 16 * 1024;

        /// <summary>Growth allowed per cycle on top of <see cref="WindowNoise"/>: a small object kept per cycle exceeds it.</summary>
        internal const long PerCycle = 64;

        /// <summary>The most a whole run may grow besides <see cref="PerCycle"/>: the runtime's steps, not a flood.</summary>
        internal const long StepNoise = 1024 * 1024;

        /// <summary>Windows sampled: enough that a median ignores the runtime's few.</summary>
        internal const int Windows = 8;

        private readonly List<long> _samples = new List<long>();

        /// <summary>Samples every <paramref name="window"/> cycles, <see cref="Windows"/> times.</summary>
        internal HeapTrend(int window)
        {
            Window = window;
        }

        /// <summary>Cycles to run after the warm-up: <see cref="Windows"/> windows.</summary>
        internal int Cycles
        {
            get { return Window * Windows; }
        }

        /// <summary>Cycles between two samples.</summary>
        internal int Window { get; }

        /// <summary>Growth of each window so far.</summary>
        internal long[] Growth
        {
            get { return _samples.Zip(_samples.Skip(1), (a, b) => b - a).ToArray(); }
        }

        /// <summary>The managed heap after full, finalized collections.</summary>
        internal static long Heap()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            return GC.GetTotalMemory(true);
        }

        /// <summary>Call before cycle <paramref name="cycle"/> (counted from the end of the warm-up) and once after the last.</summary>
        internal void At(int cycle)
        {
            if (cycle % Window == 0)
            {
                _samples.Add(Heap());
            }
        }

        /// <summary>Asserts every window was sampled, the median window stayed flat and the whole run did not flood.</summary>
        internal void AssertFlat(string what)
        {
            long[] growth = Growth;
            string all = string.Join(", ", growth);
            Assert.True(growth.Length == Windows, what + ": " + growth.Length + " windows sampled, not " + Windows);
            long median = growth.OrderBy(g => g).ElementAt((Windows - 1) / 2);
            long bound = WindowNoise + PerCycle * Window;
            Assert.True(median < bound, what + ": the managed heap grew by " + median + " bytes in the median window of " + Window + " cycles (bound " + bound + "): " + all);
            long total = growth.Sum();
            long totalBound = StepNoise + PerCycle * Cycles;
            Assert.True(total < totalBound, what + ": the managed heap grew by " + total + " bytes over " + Cycles + " cycles (bound " + totalBound + "): " + all);
        }
    }
}
