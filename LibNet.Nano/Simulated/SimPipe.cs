using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// One direction of a simulated TCP stream: a ring the size of the receiver's window (a
    /// writer takes only what fits: a reader that stops reading closes the window), the end of
    /// stream (FIN), a reset, and, with a per-segment delay, the moment each written segment
    /// becomes readable. Every member runs under the network's lock; the signals tell the ends
    /// (the adapter's engine, or a test-side peer) that something changed.
    /// </summary>
    internal sealed class SimPipe
    {
        private const int MaxSegmentsInFlight = 64;

        private readonly ByteRing _ring;
        private readonly int _delayMs;
        private readonly long[] _segmentEnd;
        private readonly long[] _segmentDue;
        private int _segmentHead;
        private int _segmentCount;
        private long _written;
        private long _taken;
        private long _visible;

        /// <summary>The writer finished: once the ring is empty the reader sees the end of stream.</summary>
        internal bool Fin;

        /// <summary>The connection was reset: both ends fail on their next read or write.</summary>
        internal bool Reset;

        /// <summary>The reader closed: what the writer sends next resets the connection (as TCP answers data to a closed socket with RST).</summary>
        internal bool ReaderGone;

        /// <summary>Reset the connection once this many bytes have been written (0 = never).</summary>
        internal long ResetAfter;

        /// <summary>Set when data or the end arrives.</summary>
        internal AutoResetEvent ReaderSignal;

        /// <summary>Set when the window opens or the reader goes.</summary>
        internal AutoResetEvent WriterSignal;

        internal SimPipe(int window, int delayMs)
        {
            _ring = new ByteRing(window);
            _delayMs = delayMs;
            if (delayMs > 0)
            {
                _segmentEnd = new long[MaxSegmentsInFlight];
                _segmentDue = new long[MaxSegmentsInFlight];
            }
        }

        /// <summary>Bytes written and not yet read, visible or not.</summary>
        internal int Count { get { return _ring.Count; } }

        /// <summary>Bytes a write takes now (0: the window is closed, or the stream is broken).</summary>
        internal int Free
        {
            get
            {
                if (Reset || ReaderGone || Fin || (_delayMs > 0 && _segmentCount == MaxSegmentsInFlight))
                {
                    return 0;
                }

                return _ring.Free;
            }
        }

        /// <summary>True when the reader has seen everything and the writer finished.</summary>
        internal bool AtEnd { get { return Fin && _ring.Count == 0; } }

        /// <summary>Writes what fits as one segment; returns the bytes taken. Sets <see cref="Reset"/> when <see cref="ResetAfter"/> is reached.</summary>
        internal int Write(byte[] buffer, int offset, int count, long nowTicks)
        {
            int n = Free;
            if (n > count)
            {
                n = count;
            }

            if (n == 0)
            {
                return 0;
            }

            _ring.Write(buffer, offset, n);
            _written += n;
            if (_delayMs > 0)
            {
                int at = (_segmentHead + _segmentCount) % MaxSegmentsInFlight;
                _segmentEnd[at] = _written;
                _segmentDue[at] = nowTicks + _delayMs * 10000L;
                _segmentCount++;
            }
            else
            {
                _visible = _written;
            }

            if (ResetAfter > 0 && _written >= ResetAfter)
            {
                Reset = true;
            }

            return n;
        }

        /// <summary>Bytes the reader may take now (segments whose delay has passed).</summary>
        internal int Readable(long nowTicks)
        {
            while (_segmentCount > 0 && _segmentDue[_segmentHead] <= nowTicks)
            {
                _visible = _segmentEnd[_segmentHead];
                _segmentHead = (_segmentHead + 1) % MaxSegmentsInFlight;
                _segmentCount--;
            }

            return (int)(_visible - _taken);
        }

        /// <summary>When the next delayed segment becomes readable (ticks), or long.MaxValue.</summary>
        internal long NextDue { get { return _segmentCount > 0 ? _segmentDue[_segmentHead] : long.MaxValue; } }

        /// <summary>Takes up to <paramref name="count"/> readable bytes.</summary>
        internal int Read(byte[] buffer, int offset, int count, long nowTicks)
        {
            int n = Readable(nowTicks);
            if (n > count)
            {
                n = count;
            }

            if (n == 0)
            {
                return 0;
            }

            _ring.Read(buffer, offset, n);
            _taken += n;
            return n;
        }

        /// <summary>Wakes both ends.</summary>
        internal void SignalBoth()
        {
            if (ReaderSignal != null)
            {
                ReaderSignal.Set();
            }

            if (WriterSignal != null)
            {
                WriterSignal.Set();
            }
        }
    }
}
