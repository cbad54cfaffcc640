using System;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// Milliseconds for timing assertions: <c>Environment.TickCount64</c> of
    /// nanoFramework.Runtime.Native (it does not jump when SNTP sets the clock on a board, as
    /// <c>DateTime.UtcNow</c> does).
    /// </summary>
    public static class Clock
    {
        /// <summary>Now, in milliseconds since the device started.</summary>
        public static long Now { get { return Environment.TickCount64; } }

        /// <summary>Milliseconds since <paramref name="start"/> (a value of <see cref="Now"/>).</summary>
        public static long Since(long start)
        {
            return Environment.TickCount64 - start;
        }
    }
}
