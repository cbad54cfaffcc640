using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// The time left of one blocking call: computed once from the call's timeout and spent by
    /// each wait. A wait that times out proves its time passed, so the clock is read only when
    /// a wait ends early, and the time it says passed is bounded by what that wait allowed:
    /// on the device <c>DateTime.UtcNow</c> jumps when SNTP sets the clock, and mscorlib has no
    /// monotonic clock, so a jump can shorten or lengthen a deadline by at most one wait's length,
    /// never make it hang or expire at once.
    /// </summary>
    internal struct Deadline
    {
        private int _remaining;
        private readonly bool _infinite;

        /// <summary>Starts a deadline; <paramref name="timeout"/> 0 or -1 means forever (already validated).</summary>
        internal Deadline(int timeout)
        {
            _infinite = timeout == 0 || timeout == Timeout.Infinite;
            _remaining = _infinite ? int.MaxValue : timeout;
        }

        /// <summary>True when no time is left (never for an infinite deadline).</summary>
        internal bool Expired { get { return !_infinite && _remaining <= 0; } }

        /// <summary>Milliseconds left (Timeout.Infinite for forever).</summary>
        internal int Remaining { get { return _infinite ? Timeout.Infinite : (_remaining < 0 ? 0 : _remaining); } }

        /// <summary>Waits on the handle until it is set or the deadline passes; true if it was set.</summary>
        internal bool Wait(WaitHandle handle)
        {
            if (_infinite)
            {
                return handle.WaitOne(Timeout.Infinite, false);
            }

            if (_remaining <= 0)
            {
                return false;
            }

            long start = DateTime.UtcNow.Ticks;
            if (!handle.WaitOne(_remaining, false))
            {
                _remaining = 0;
                return false;
            }

            long elapsedMs = (DateTime.UtcNow.Ticks - start) / TimeSpan.TicksPerMillisecond;
            if (elapsedMs < 0)
            {
                elapsedMs = 0;
            }
            else if (elapsedMs > _remaining)
            {
                elapsedMs = _remaining;
            }

            _remaining -= (int)elapsedMs;
            return true;
        }

        /// <summary>Waits on the handle at most <paramref name="maxMs"/> (and never past the deadline); true if it was set.</summary>
        internal bool Wait(WaitHandle handle, int maxMs)
        {
            int slice = Slice(maxMs);
            if (slice <= 0)
            {
                return false;
            }

            long start = DateTime.UtcNow.Ticks;
            bool set = handle.WaitOne(slice, false);
            Spend(start, slice, set);
            return set;
        }

        /// <summary>The length of the next wait of at most <paramref name="maxMs"/>: the time left when shorter; 0 once expired.</summary>
        internal int Slice(int maxMs)
        {
            if (_infinite)
            {
                return maxMs;
            }

            if (_remaining <= 0)
            {
                return 0;
            }

            return _remaining < maxMs ? _remaining : maxMs;
        }

        /// <summary>
        /// Accounts for a wait of at most <paramref name="allowed"/> ms begun at
        /// <paramref name="startTicks"/>: all of it when it ran out, what the clock says (bounded
        /// by <paramref name="allowed"/>) when it ended early.
        /// </summary>
        internal void Spend(long startTicks, int allowed, bool early)
        {
            if (_infinite)
            {
                return;
            }

            if (!early)
            {
                _remaining -= allowed;
                return;
            }

            long elapsedMs = (DateTime.UtcNow.Ticks - startTicks) / TimeSpan.TicksPerMillisecond;
            if (elapsedMs < 0)
            {
                elapsedMs = 0;
            }
            else if (elapsedMs > allowed)
            {
                elapsedMs = allowed;
            }

            _remaining -= (int)elapsedMs;
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a timeout below -1.</summary>
        internal static void Validate(int timeout)
        {
            if (timeout < Timeout.Infinite)
            {
                throw new ArgumentOutOfRangeException("timeout", "timeout must be >= -1 ms (0 or -1 = forever)");
            }
        }
    }
}
