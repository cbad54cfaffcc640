using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// Deadlines of the test-side blocking calls (<see cref="SimPeer"/>, <see cref="SimListener"/>,
    /// <see cref="SimUdpPeer"/>): each wait sleeps on the end's signal, at most until the deadline
    /// or the next delayed segment is due, whichever comes first.
    /// </summary>
    internal static class SimWait
    {
        /// <summary>The deadline of a call with this timeout (0 or -1 = forever: long.MaxValue).</summary>
        internal static long Until(int timeout)
        {
            if (timeout < Timeout.Infinite)
            {
                throw new ArgumentOutOfRangeException("timeout", "timeout must be >= -1 ms (0 or -1 = forever)");
            }

            return timeout <= 0 ? long.MaxValue : SimulatedAdapter.NowTicks + timeout * 10000L;
        }

        /// <summary>Waits for <paramref name="signal"/> until <paramref name="until"/> or <paramref name="due"/>; false when the deadline has passed.</summary>
        internal static bool Step(AutoResetEvent signal, long until, long due)
        {
            long now = SimulatedAdapter.NowTicks;
            if (now >= until)
            {
                return false;
            }

            long end = due < until ? due : until;
            if (end == long.MaxValue)
            {
                signal.WaitOne(Timeout.Infinite, false);
                return true;
            }

            long ms = (end - now) / 10000 + 1;
            signal.WaitOne(ms > int.MaxValue ? int.MaxValue : (int)ms, false);
            return true;
        }
    }
}
