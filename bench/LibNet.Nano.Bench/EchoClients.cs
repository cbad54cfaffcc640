using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// A client that does echo round trips on a thread of its own, <c>ops</c> at a time on
    /// request. LibNet and raw clients use the same hand-off (one AutoResetEvent each way per
    /// batch), so the hand-off cost is the same on both sides and, over a batch, negligible.
    /// </summary>
    internal abstract class EchoClient : IDisposable
    {
        private readonly AutoResetEvent _go = new AutoResetEvent(false);
        private readonly AutoResetEvent _done = new AutoResetEvent(false);
        private readonly ManualResetEvent _ready = new ManualResetEvent(false);
        private int _ops;
        private volatile bool _stop;
        private Exception _fault;

        protected readonly int Size;
        protected readonly byte[] Data;
        protected readonly byte[] Reply;

        protected EchoClient(int size)
        {
            Size = size;
            Data = new byte[size];
            Reply = new byte[size];
            for (int i = 0; i < size; i++)
            {
                Data[i] = (byte)(i * 7 + 1);
            }
        }

        /// <summary>Runs <paramref name="ops"/> round trips on the client's thread; rethrows its failure.</summary>
        internal void Run(int ops)
        {
            _ops = ops;
            _go.Set();
            if (!_done.WaitOne(120000))
            {
                throw new TimeoutException(GetType().Name + ": " + ops + " round trips took over 120 s");
            }

            if (_fault != null)
            {
                throw new InvalidOperationException(GetType().Name + " failed", _fault);
            }
        }

        protected void WaitReady()
        {
            if (!_ready.WaitOne(30000))
            {
                throw new TimeoutException(GetType().Name + " did not connect");
            }

            if (_fault != null)
            {
                throw new InvalidOperationException(GetType().Name + " failed to start", _fault);
            }
        }

        /// <summary>The client thread's body: set up, then serve batches until disposed.</summary>
        protected void Serve()
        {
            try
            {
                Open();
            }
            catch (Exception ex)
            {
                _fault = ex;
                _ready.Set();
                return;
            }

            _ready.Set();
            while (true)
            {
                _go.WaitOne();
                if (_stop)
                {
                    break;
                }

                try
                {
                    int n = _ops;
                    for (int i = 0; i < n; i++)
                    {
                        RoundTrip();
                    }
                }
                catch (Exception ex)
                {
                    _fault = ex;
                }

                _done.Set();
            }

            CloseClient();
            _done.Set();
        }

        protected abstract void Open();

        protected abstract void RoundTrip();

        protected abstract void CloseClient();

        protected abstract void JoinThread();

        public void Dispose()
        {
            _stop = true;
            _go.Set();
            _done.WaitOne(10000);
            JoinThread();
        }
    }

    /// <summary>LibNet: <c>LibNet.Tx</c> (waits for TxOk) + <c>LibNet.Wait</c> + <c>NetCtrl.Rx</c> inside a task.</summary>
    internal sealed class LibNetEchoClient : EchoClient
    {
        private static int s_seq;
        private readonly NetAdapter _adapter;
        private readonly int _port;
        private readonly string _task;
        private NetCtrl _netc;

        private readonly int _ring;

        /// <summary>A LibNet echo client; <paramref name="ring"/> = receive and send ring size, 0 = defaults.</summary>
        internal LibNetEchoClient(NetAdapter adapter, int port, int size, int ring = 0) : base(size)
        {
            _adapter = adapter;
            _port = port;
            _ring = ring;
            _task = "echo-" + Interlocked.Increment(ref s_seq);
            if (!SysPlus.TaskInitEx(arg => Serve(), _task, null, null))
            {
                throw new InvalidOperationException("task did not start");
            }

            WaitReady();
        }

        internal NetCtrl Netc { get { return _netc; } }

        internal string TaskName { get { return _task; } }

        protected override void Open()
        {
            _netc = NetCtrl.Create(_adapter, _task);
            if (_ring == 0)
            {
                _netc.Config(0, false, false);
            }
            else
            {
                _netc.Config(0, false, false, 0, 0, 0, null, null, null, null, _ring, _ring);
            }

            if (!LibNet.Connect(_task, 10000, _netc, Loop.Ip, _port))
            {
                throw new InvalidOperationException("LibNet.Connect failed: " + _netc.LastErrorMessage);
            }
        }

        /// <summary>Stopwatch ticks spent in <c>LibNet.Tx</c> (queue + wait for TxOk), summed.</summary>
        internal long TxTicks;

        /// <summary>Stopwatch ticks spent in <c>LibNet.Wait</c> + <c>Rx</c>, summed.</summary>
        internal long RxTicks;

        protected override void RoundTrip()
        {
            long t0 = Stopwatch.GetTimestamp();
            bool full;
            if (!LibNet.Tx(_task, 10000, _netc, Data, 0, Size, out full) || full)
            {
                throw new InvalidOperationException("LibNet.Tx failed (full=" + full + "): " + _netc.LastErrorMessage);
            }

            long t1 = Stopwatch.GetTimestamp();
            TxTicks += t1 - t0;
            int got = 0;
            while (got < Size)
            {
                bool ev;
                if (!LibNet.Wait(_task, 10000, _netc, out ev) || !ev)
                {
                    throw new InvalidOperationException("LibNet.Wait failed or timed out: " + _netc.LastErrorMessage);
                }

                int read;
                _netc.Rx(Reply, got, Size - got, out read);
                got += read;
            }

            RxTicks += Stopwatch.GetTimestamp() - t1;
        }

        protected override void CloseClient()
        {
            LibNet.Close(_task, 5000, _netc);
            _netc.Release();
        }

        protected override void JoinThread()
        {
            SysPlus.Join(_task, 10000);
        }
    }

    /// <summary>Raw: blocking <c>Socket.Send</c> + <c>Socket.Receive</c> on a plain thread, default socket options.</summary>
    internal sealed class RawEchoClient : EchoClient
    {
        private readonly int _port;
        private readonly Thread _thread;
        private Socket _socket;

        internal RawEchoClient(int port, int size) : base(size)
        {
            _port = port;
            _thread = new Thread(Serve) { IsBackground = true, Name = "raw-echo" };
            _thread.Start();
            WaitReady();
        }

        protected override void Open()
        {
            _socket = Loop.Client(_port);
        }

        protected override void RoundTrip()
        {
            Loop.SendAll(_socket, Data, 0, Size);
            Loop.ReceiveExactly(_socket, Reply, Size);
        }

        protected override void CloseClient()
        {
            _socket.Close();
        }

        protected override void JoinThread()
        {
            _thread.Join(10000);
        }
    }
}
