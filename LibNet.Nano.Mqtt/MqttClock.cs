using System;

namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// The client's clock for keepalive and deadlines, in 100 ns ticks. mscorlib 1.17.11 has no
    /// monotonic clock (no Stopwatch, no Environment.TickCount) and LibNet keeps its own deadline
    /// type internal, so this reads <c>DateTime.UtcNow</c>, which jumps when SNTP sets the clock on
    /// a device. A jump backwards is absorbed (time stands still for that reading, never runs
    /// back), so it can only delay a ping by the time already elapsed; a jump forwards makes a
    /// ping due early (harmless) and, only when a PINGREQ is outstanding at that instant, may end
    /// the wait for its PINGRESP early.
    /// </summary>
    internal sealed class MqttClock
    {
        /// <summary>Ticks per millisecond.</summary>
        internal const long TicksPerMs = 10000;

        private long _lastRaw;
        private long _now;

        internal MqttClock()
        {
            _lastRaw = DateTime.UtcNow.Ticks;
            _now = 1;
        }

        /// <summary>The current time, never earlier than the previous reading.</summary>
        internal long Now
        {
            get
            {
                long raw = DateTime.UtcNow.Ticks;
                long delta = raw - _lastRaw;
                _lastRaw = raw;
                if (delta > 0)
                {
                    _now += delta;
                }

                return _now;
            }
        }

        /// <summary>Throws unless <paramref name="timeout"/> is a call's timeout: milliseconds, 0 or -1 = forever.</summary>
        internal static void CheckTimeout(int timeout)
        {
            if (timeout < System.Threading.Timeout.Infinite)
            {
                throw new ArgumentOutOfRangeException("timeout", "timeout must be >= -1 ms (0 or -1 = forever)");
            }
        }

        /// <summary>The deadline of a call: <paramref name="timeoutMs"/> 0 or -1 is forever (long.MaxValue).</summary>
        internal long DeadlineAfter(int timeoutMs)
        {
            if (timeoutMs == 0 || timeoutMs == System.Threading.Timeout.Infinite)
            {
                return long.MaxValue;
            }

            return Now + timeoutMs * TicksPerMs;
        }

        /// <summary>Milliseconds until <paramref name="deadline"/>: 0 when passed, -1 for forever, else at least 1.</summary>
        internal int MsLeft(long deadline)
        {
            if (deadline == long.MaxValue)
            {
                return -1;
            }

            long left = deadline - Now;
            if (left <= 0)
            {
                return 0;
            }

            long ms = (left + TicksPerMs - 1) / TicksPerMs;
            return ms > int.MaxValue ? int.MaxValue : (int)ms;
        }
    }
}
