using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// The core's side (lwIP <c>api_msg.c</c>, .NET <c>SocketAsyncEngine</c>): one thread per
    /// adapter that owns every socket of it. Each turn it takes the requests tasks left on their
    /// netcs, tells the adapter what each socket waits for, waits once for any of them (or a
    /// wake-up), then moves bytes between the sockets and the netcs' fixed rings and posts the
    /// events. It allocates nothing per turn, per event or per byte; it sleeps in the adapter's
    /// wait when nothing happens. The thread starts with the adapter's first netc and ends with
    /// its last.
    /// </summary>
    internal sealed class SocketEngine
    {
        /// <summary>Longest wait when idle: a safety net; every request wakes the engine at once.</summary>
        internal const int IdleWaitMs = 1000;

        private readonly NetAdapter _adapter;
        private readonly object _lock = new object();
        private readonly ManualResetEvent _idle = new ManualResetEvent(true);
        private NetCtrl[] _sockets = new NetCtrl[4];
        private int _count;
        private NetCtrl[] _snapshot = new NetCtrl[4];
        private Transport[] _polled = new Transport[4];
        private bool _running;
        private Thread _thread;
        private int _requests;
        private byte[] _scratch = new byte[0];
        private readonly byte[] _address = new byte[16];

        internal readonly ConnectWorkers Workers;

        internal SocketEngine(NetAdapter adapter)
        {
            _adapter = adapter;
            Workers = new ConnectWorkers(this);
        }

        internal int SocketCount { get { lock (_lock) { return _count; } } }

        internal int ThreadCount
        {
            get
            {
                int n;
                lock (_lock)
                {
                    n = _running ? 1 : 0;
                }

                return n + Workers.Threads;
            }
        }

        internal NetAdapter Adapter { get { return _adapter; } }

        /// <summary>True on this engine's thread (where every event of its netcs is delivered).</summary>
        internal bool IsEngineThread { get { return _thread == Thread.CurrentThread; } }

        /// <summary>Adds a new netc; starts the engine thread if it is the first.</summary>
        internal void Register(NetCtrl netc)
        {
            lock (_lock)
            {
                if (_count == _sockets.Length)
                {
                    NetCtrl[] bigger = new NetCtrl[_sockets.Length * 2];
                    Array.Copy(_sockets, bigger, _count);
                    _sockets = bigger;
                }

                _sockets[_count++] = netc;
                _idle.Reset();
                if (!_running)
                {
                    _running = true;
                    _adapter.EngineStarted();
                    _thread = new Thread(Run);
                    _thread.Start();
                }
            }
        }

        /// <summary>Removes a released netc; the engine ends when none is left.</summary>
        internal void Unregister(NetCtrl netc)
        {
            lock (_lock)
            {
                for (int i = 0; i < _count; i++)
                {
                    if (_sockets[i] == netc)
                    {
                        _sockets[i] = _sockets[_count - 1];
                        _sockets[_count - 1] = null;
                        _count--;
                        break;
                    }
                }
            }

            _adapter.Wake();
        }

        /// <summary>Any thread: a netc has new request bits; wake the engine.</summary>
        internal void Request()
        {
            Interlocked.Exchange(ref _requests, 1);
            _adapter.Wake();
        }

        /// <summary>A worker started: the adapter is not idle.</summary>
        internal void MarkBusy()
        {
            _idle.Reset();
        }

        /// <summary>Sets the idle signal when nothing is left running or open.</summary>
        internal void CheckIdle()
        {
            lock (_lock)
            {
                if (!_running && _count == 0 && Workers.Threads == 0 && _adapter.OpenHandles == 0)
                {
                    _idle.Set();
                }
            }
        }

        internal bool WaitIdle(int timeout)
        {
            CheckIdle();
            return _idle.WaitOne(timeout == 0 ? Timeout.Infinite : timeout, false);
        }

        /// <summary>Link change (any thread): Link events to the netcs that asked; a drop fails live connections.</summary>
        internal void OnLinkChanged(bool up)
        {
            NetCtrl[] copy;
            int n;
            lock (_lock)
            {
                n = _count;
                copy = new NetCtrl[n];
                Array.Copy(_sockets, copy, n);
            }

            for (int i = 0; i < n; i++)
            {
                copy[i].OnLinkChanged(up);
            }

            if (!up)
            {
                Request();
            }
        }

        /// <summary>The engine's turns so far (a diagnostic: tests count them; written by the engine thread only).</summary>
        internal int Turn;

        private void Run()
        {
            while (true)
            {
                Turn++;
                int n;
                lock (_lock)
                {
                    if (_count == 0)
                    {
                        _adapter.EngineStopped();
                        _running = false;
                        if (Workers.Threads == 0 && _adapter.OpenHandles == 0)
                        {
                            _idle.Set();
                        }

                        return;
                    }

                    if (_snapshot.Length < _count)
                    {
                        _snapshot = new NetCtrl[_sockets.Length];
                        _polled = new Transport[_sockets.Length];
                    }

                    n = _count;
                    Array.Copy(_sockets, _snapshot, n);
                }

                if (Interlocked.Exchange(ref _requests, 0) != 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        _snapshot[i].ProcessRequests();
                    }
                }

                int polled = 0;
                bool buffered = false;
                for (int i = 0; i < n; i++)
                {
                    Transport t = _snapshot[i].PrepareInterest();
                    if (t != null)
                    {
                        _polled[polled++] = t;
                        if ((t.Interest & Transport.ReadyRead) != 0 && t.HasBufferedData)
                        {
                            buffered = true;
                        }
                    }
                }

                int wait = (buffered || _requests != 0) ? 0 : IdleWaitMs;
                try
                {
                    _adapter.WaitForActivity(_polled, polled, wait);
                }
                catch (Exception)
                {
                    // A socket closed by a task while the engine waited on it: the next turn
                    // no longer has it. Nothing else can make the adapter's wait throw.
                }

                for (int i = 0; i < polled; i++)
                {
                    Transport t = _polled[i];
                    _polled[i] = null;
                    int ready = t.Ready;
                    t.Ready = 0;
                    if (ready == 0 && !((t.Interest & Transport.ReadyRead) != 0 && t.HasBufferedData))
                    {
                        continue;
                    }

                    Service(t, ready);
                }

                for (int i = 0; i < n; i++)
                {
                    _snapshot[i] = null;
                }
            }
        }

        private void Service(Transport t, int ready)
        {
            NetCtrl netc = t.Owner;
            try
            {
                if (netc.IsListening)
                {
                    netc.AcceptOne(t);
                    return;
                }

                if ((ready & (Transport.ReadyRead | Transport.ReadyError)) != 0 || t.HasBufferedData)
                {
                    if (netc.IsUdp)
                    {
                        EnsureScratch(netc.RxCapacity);
                        netc.ReceiveDatagram(t, _scratch, _address);
                    }
                    else
                    {
                        netc.ReceiveStream(t);
                    }
                }

                if ((ready & Transport.ReadyWrite) != 0)
                {
                    if (netc.IsUdp)
                    {
                        EnsureScratch(netc.TxCapacity);
                        netc.SendDatagram(t, _scratch, _address);
                    }
                    else
                    {
                        netc.SendStream(t);
                    }
                }
            }
            catch (Exception ex)
            {
                netc.Fail(t, _adapter.MapError(ex), ex.Message);
            }
        }

        private void EnsureScratch(int size)
        {
            // Grows only when a netc with a bigger buffer appears: allocation at set-up, not per datagram.
            if (_scratch.Length < size)
            {
                _scratch = new byte[size];
            }
        }
    }
}
