using System;
using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// A TCP echo server: one listener task accepts clients and starts one task per client, which
    /// echoes what it receives until the client closes or stays silent too long. All the sockets
    /// are driven by the adapter's one engine thread; the tasks only block in LibNet calls.
    /// </summary>
    public sealed class TcpServerSample
    {
        /// <summary>The listener task's name.</summary>
        public const string TaskName = "tcp-server";

        /// <summary>The message that hands an accepted client's netc to its task (in <see cref="TaskMessage.Source"/>).</summary>
        public const int HandOver = 0x53520001;

        /// <summary>Sent by each client task to the listener as it ends.</summary>
        public const int ClientDone = 0x53520002;

        private readonly NetAdapter _adapter;
        private readonly int _port;
        private readonly ManualResetEvent _stop = new ManualResetEvent(false);
        private readonly ManualResetEvent _listening = new ManualResetEvent(false);
        private readonly ManualResetEvent _done = new ManualResetEvent(false);
        private readonly object _sync = new object();
        private int _clientsRunning;
        private int _served;
        private int _bytesEchoed;

        /// <summary>A server on local TCP <paramref name="port"/> of <paramref name="adapter"/>.</summary>
        public TcpServerSample(NetAdapter adapter, int port)
        {
            _adapter = adapter;
            _port = port;
            ClientIdleMs = 30000;
        }

        /// <summary>Stop accepting after this many clients (0 = never), and end when they are done.</summary>
        public int MaxClients { get; set; }

        /// <summary>A client silent this long is closed (ms).</summary>
        public int ClientIdleMs { get; set; }

        /// <summary>Clients accepted so far.</summary>
        public int Accepted { get; private set; }

        /// <summary>Clients whose task has ended.</summary>
        public int Served { get { lock (_sync) { return _served; } } }

        /// <summary>Bytes echoed back to clients.</summary>
        public int BytesEchoed { get { lock (_sync) { return _bytesEchoed; } } }

        /// <summary>Set once the port is listening.</summary>
        public WaitHandle Listening { get { return _listening; } }

        /// <summary>Starts the listener task (ArgumentException if one with its name is already running).</summary>
        public bool Start()
        {
            return SysPlus.TaskInitEx(ListenerBody, TaskName, null, null);
        }

        /// <summary>Stops accepting (within a second); running client tasks finish on their own.</summary>
        public void Stop()
        {
            _stop.Set();
        }

        /// <summary>Waits for the listener and every client task to end.</summary>
        public bool WaitDone(int timeout)
        {
            return _done.WaitOne(timeout, false) && SysPlus.Join(TaskName, timeout);
        }

        private bool Accepting
        {
            get { return !_stop.WaitOne(0, false) && (MaxClients == 0 || Accepted < MaxClients); }
        }

        private void ListenerBody(object arg)
        {
            const string me = TaskName;
            NetCtrl listener = NetCtrl.Create(_adapter, me);
            try
            {
                listener.Config(_port, false, false);
                if (!LibNet.WaitLink(me, 0, listener))
                {
                    SampleText.Log(me, "no network link");
                    return;
                }

                bool waiting;
                if (!listener.Listen(out waiting))
                {
                    SampleText.Log(me, "cannot listen on port " + _port + ": " + NetError.Name(listener.LastError) + " " + listener.LastErrorMessage);
                    return;
                }

                SampleText.Log(me, "listening on port " + _port);
                _listening.Set();
                while (Accepting)
                {
                    // Wake up every second to notice Stop(); a client arriving ends the wait at once.
                    if (!LibNet.Listen(me, 1000, listener))
                    {
                        if (listener.State == NetCtrlState.Error)
                        {
                            SampleText.Log(me, "listener failed: " + NetError.Name(listener.LastError));
                            return;
                        }

                        continue;
                    }

                    // One OnLine event can stand for several clients: take all that wait.
                    while (Accepting && listener.Listen(out waiting) && waiting)
                    {
                        StartClientTask(listener);
                    }
                }
            }
            finally
            {
                listener.Release();
                WaitForClients();
                _done.Set();
            }
        }

        private void StartClientTask(NetCtrl listener)
        {
            string name = TaskName + "-" + (Accepted + 1);
            lock (_sync)
            {
                _clientsRunning++;
            }

            if (!SysPlus.TaskInitEx(ClientBody, name, null, null))
            {
                ClientEnded(0);
                SampleText.Log(TaskName, "cannot start task " + name);
                return;
            }

            // The client's netc must belong to the task that will use it: Accept names that
            // task, and the netc travels to it as the Source of a message.
            NetCtrl client;
            if (listener.Accept(name, out client))
            {
                Accepted++;
                SysPlus.SendMsg(name, HandOver, 0, client, null);
            }
            else
            {
                SysPlus.SendMsg(name, HandOver, 0);
            }
        }

        private void ClientBody(object arg)
        {
            string me = SysPlus.CurrentTaskName;
            int bytes = 0;
            try
            {
                TaskMessage msg;
                if (!SysPlus.WaitMsg(me, HandOver, 5000, out msg) || msg.Source == null)
                {
                    return;
                }

                NetCtrl client = (NetCtrl)msg.Source;
                SampleText.Log(me, "client " + client.RemoteEndPoint);
                try
                {
                    bytes = Echo(me, client);
                }
                finally
                {
                    LibNet.Close(me, 2000, client);
                    client.Release();
                    SampleText.Log(me, "done, " + bytes + " bytes echoed");
                }
            }
            finally
            {
                ClientEnded(bytes);
                SysPlus.SendMsg(TaskName, ClientDone, 0);
            }
        }

        private int Echo(string me, NetCtrl client)
        {
            byte[] buf = new byte[512];
            int total = 0;
            while (true)
            {
                bool gotEvent;
                if (!LibNet.Wait(me, ClientIdleMs, client, out gotEvent))
                {
                    return total;
                }

                if (!gotEvent)
                {
                    SampleText.Log(me, "idle for " + ClientIdleMs + " ms: closing");
                    return total;
                }

                int n;
                if (!client.Rx(buf, 0, buf.Length, out n))
                {
                    return total;
                }

                if (n == 0)
                {
                    continue;
                }

                bool full;
                if (!LibNet.Tx(me, 5000, client, buf, 0, n, out full))
                {
                    return total;
                }

                while (full)
                {
                    // Nothing was queued: wait until the send ring drains, then try again.
                    TaskMessage drained;
                    SysPlus.WaitMsg(me, SocketEvent.TxOk, 1000, out drained);
                    if (!LibNet.Tx(me, 5000, client, buf, 0, n, out full))
                    {
                        return total;
                    }
                }

                total += n;
            }
        }

        private void ClientEnded(int bytes)
        {
            lock (_sync)
            {
                _clientsRunning--;
                _served++;
                _bytesEchoed += bytes;
            }
        }

        private void WaitForClients()
        {
            // Each client task sends ClientDone as it ends; the one-second bound is a safety net.
            while (true)
            {
                lock (_sync)
                {
                    if (_clientsRunning == 0)
                    {
                        return;
                    }
                }

                TaskMessage msg;
                SysPlus.WaitMsg(TaskName, ClientDone, 1000, out msg);
            }
        }
    }
}
