using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// The test's end of a simulated TCP stream (from <see cref="SimListener.Accept"/> or
    /// <see cref="SimulatedAdapter.Connect(int)"/>), with a small blocking API. The peer's receive
    /// window is finite: a test that stops calling <see cref="Read"/> makes the library's sends
    /// stall (zero window) until it reads again. <see cref="Reset"/> and <see cref="Close"/>
    /// inject a reset or an orderly close.
    /// </summary>
    public sealed class SimPeer : IDisposable
    {
        private readonly SimulatedAdapter _net;
        private readonly SimPipe _in;
        private readonly SimPipe _out;
        private readonly AutoResetEvent _signal;
        private long _bytesRead;
        private long _bytesWritten;
        private bool _wasReset;
        private bool _closed;

        internal SimPeer(SimulatedAdapter net, SimPipe input, SimPipe output, AutoResetEvent signal)
        {
            _net = net;
            _in = input;
            _out = output;
            _signal = signal;
        }

        /// <summary>Bytes that arrived and can be read now.</summary>
        public int Available { get { lock (_net.Sync) { return _in.Readable(SimulatedAdapter.NowTicks); } } }

        /// <summary>Bytes read so far.</summary>
        public long BytesRead { get { lock (_net.Sync) { return _bytesRead; } } }

        /// <summary>Bytes written so far.</summary>
        public long BytesWritten { get { lock (_net.Sync) { return _bytesWritten; } } }

        /// <summary>True once the connection was reset (by either side, or a fault).</summary>
        public bool WasReset { get { lock (_net.Sync) { return _wasReset || _in.Reset || _out.Reset; } } }

        /// <summary>
        /// Reads what has arrived, waiting for it if nothing has.
        /// </summary>
        /// <param name="buffer">Where to copy.</param>
        /// <param name="offset">Where to start.</param>
        /// <param name="count">At most this many bytes.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>Bytes read; 0 at the end of the stream or after a reset (see <see cref="WasReset"/>); -1 on timeout.</returns>
        public int Read(byte[] buffer, int offset, int count, int timeout)
        {
            CheckRange(buffer, offset, count);
            long until = SimWait.Until(timeout);
            while (true)
            {
                long due;
                lock (_net.Sync)
                {
                    if (_in.Reset)
                    {
                        _wasReset = true;
                        return 0;
                    }

                    int n = _in.Read(buffer, offset, count, SimulatedAdapter.NowTicks);
                    if (n > 0)
                    {
                        _bytesRead += n;
                        if (_in.WriterSignal != null)
                        {
                            _in.WriterSignal.Set();
                        }

                        return n;
                    }

                    if (_in.AtEnd || _closed)
                    {
                        return 0;
                    }

                    due = _in.NextDue;
                }

                if (!SimWait.Step(_signal, until, due))
                {
                    return -1;
                }
            }
        }

        /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
        /// <param name="buffer">Where to copy.</param>
        /// <param name="offset">Where to start.</param>
        /// <param name="count">How many bytes.</param>
        /// <param name="timeout">Milliseconds for all of them; 0 or -1 = forever.</param>
        /// <returns>True when all came; false on timeout, end of stream or reset.</returns>
        public bool ReadExactly(byte[] buffer, int offset, int count, int timeout)
        {
            long until = SimWait.Until(timeout);
            int got = 0;
            while (got < count)
            {
                int left = RemainingMs(until);
                if (left == 0)
                {
                    return false;
                }

                int n = Read(buffer, offset + got, count - got, left);
                if (n <= 0)
                {
                    return false;
                }

                got += n;
            }

            return true;
        }

        /// <summary>Writes all the bytes, waiting while the library's receive window is closed.</summary>
        /// <param name="buffer">The bytes.</param>
        /// <param name="offset">Where they start.</param>
        /// <param name="count">How many.</param>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>Bytes written: less than <paramref name="count"/> on timeout, reset or when the library side closed.</returns>
        public int Write(byte[] buffer, int offset, int count, int timeout)
        {
            CheckRange(buffer, offset, count);
            long until = SimWait.Until(timeout);
            int done = 0;
            while (done < count)
            {
                lock (_net.Sync)
                {
                    if (_closed || _out.Reset || _out.ReaderGone || _in.Reset)
                    {
                        _wasReset = _out.Reset || _in.Reset;
                        return done;
                    }

                    int n = _out.Write(buffer, offset + done, count - done, SimulatedAdapter.NowTicks);
                    if (_out.Reset)
                    {
                        _in.Reset = true;
                        _in.SignalBoth();
                    }

                    if (n > 0)
                    {
                        done += n;
                        _bytesWritten += n;
                        _out.ReaderSignal.Set();
                        continue;
                    }
                }

                if (!SimWait.Step(_signal, until, long.MaxValue))
                {
                    return done;
                }
            }

            return done;
        }

        /// <summary>Waits until the library side has closed the stream or it was reset.</summary>
        /// <param name="timeout">Milliseconds; 0 or -1 = forever.</param>
        /// <returns>True when it is closed; false on timeout.</returns>
        public bool WaitClosed(int timeout)
        {
            long until = SimWait.Until(timeout);
            while (true)
            {
                lock (_net.Sync)
                {
                    if (_in.Fin || _in.Reset || _out.ReaderGone || _out.Reset)
                    {
                        return true;
                    }
                }

                if (!SimWait.Step(_signal, until, long.MaxValue))
                {
                    return false;
                }
            }
        }

        /// <summary>Resets the connection now: the library side's next read or write fails with <see cref="NetError.Reset"/>.</summary>
        public void Reset()
        {
            lock (_net.Sync)
            {
                ResetLocked();
            }
        }

        /// <summary>Closes in order: the library side reads what was sent, then the end of the stream.</summary>
        public void Close()
        {
            lock (_net.Sync)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                _out.Fin = true;
                _in.ReaderGone = true;
                _out.SignalBoth();
                _in.SignalBoth();
            }
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose()
        {
            Close();
        }

        /// <summary>Network lock held: reset both directions and wake both ends.</summary>
        internal void ResetLocked()
        {
            _in.Reset = true;
            _out.Reset = true;
            _in.SignalBoth();
            _out.SignalBoth();
        }

        private static int RemainingMs(long until)
        {
            if (until == long.MaxValue)
            {
                return Timeout.Infinite;
            }

            long ms = (until - SimulatedAdapter.NowTicks) / 10000;
            return ms <= 0 ? 0 : (int)ms;
        }

        private static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || count > buffer.Length - offset)
            {
                throw new ArgumentOutOfRangeException("count", "offset and count must fit in the buffer");
            }
        }
    }
}
