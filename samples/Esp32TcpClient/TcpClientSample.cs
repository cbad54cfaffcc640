using System;
using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// A TCP client task with a reconnect loop, the way a device keeps talking to its server:
    /// wait for the link, connect, then send a line and wait for its echo, over and over; when the
    /// connection fails or the peer goes away, close, wait a moment and start again. Every call
    /// has a deadline, so the task never hangs on a dead network.
    /// </summary>
    public sealed class TcpClientSample
    {
        /// <summary>The task's name (LibNet calls name the task they run in).</summary>
        public const string TaskName = "tcp-client";

        private readonly NetAdapter _adapter;
        private readonly string _host;
        private readonly int _port;
        private readonly ManualResetEvent _stop = new ManualResetEvent(false);
        private readonly ManualResetEvent _done = new ManualResetEvent(false);

        /// <summary>A client for <paramref name="host"/>:<paramref name="port"/> (an echo server) over <paramref name="adapter"/>.</summary>
        public TcpClientSample(NetAdapter adapter, string host, int port)
        {
            _adapter = adapter;
            _host = host;
            _port = port;
            ReconnectDelayMs = 2000;
            SendIntervalMs = 1000;
            ReplyTimeoutMs = 5000;
        }

        /// <summary>Stop after this many connections (0 = never).</summary>
        public int Sessions { get; set; }

        /// <summary>Hang up after this many echoes per connection (0 = keep going until the connection ends).</summary>
        public int EchoesPerSession { get; set; }

        /// <summary>Pause before reconnecting (ms).</summary>
        public int ReconnectDelayMs { get; set; }

        /// <summary>Pause between two lines (ms; 0 = none).</summary>
        public int SendIntervalMs { get; set; }

        /// <summary>How long to wait for each echo (ms).</summary>
        public int ReplyTimeoutMs { get; set; }

        /// <summary>Connections made.</summary>
        public int Connects { get; private set; }

        /// <summary>Connection attempts that failed.</summary>
        public int ConnectFailures { get; private set; }

        /// <summary>Lines echoed back intact.</summary>
        public int Echoes { get; private set; }

        /// <summary>Lines echoed back different.</summary>
        public int Mismatches { get; private set; }

        /// <summary>Starts the task (ArgumentException if a task with its name is already running).</summary>
        public bool Start()
        {
            return SysPlus.TaskInitEx(Body, TaskName, null, null);
        }

        /// <summary>
        /// Asks the task to end: sets the flag, then sends the forced wake-up that ends a
        /// LibNet.Wait or a pause at once (a connect in progress ends at its own deadline).
        /// </summary>
        public void Stop()
        {
            _stop.Set();
            SysPlus.SendMsg(TaskName, SocketEvent.Event, 0);
        }

        /// <summary>Waits for the task to end.</summary>
        public bool WaitDone(int timeout)
        {
            return _done.WaitOne(timeout, false) && SysPlus.Join(TaskName, timeout);
        }

        private bool Stopped
        {
            get { return _stop.WaitOne(0, false); }
        }

        private bool MoreSessions
        {
            get { return !Stopped && (Sessions == 0 || Connects < Sessions); }
        }

        private void Body(object arg)
        {
            const string me = TaskName;
            byte[] line = new byte[32];
            byte[] echo = new byte[32];
            try
            {
                while (MoreSessions)
                {
                    NetCtrl netc = NetCtrl.Create(_adapter, me);
                    try
                    {
                        netc.Config(0, false, false);
                        if (!LibNet.WaitLink(me, 30000, netc))
                        {
                            SampleText.Log(me, "no network link yet");
                        }
                        else if (!LibNet.Connect(me, 10000, netc, _host, _port))
                        {
                            ConnectFailures++;
                            SampleText.Log(me, "connect to " + _host + ":" + _port + " failed: " + NetError.Name(netc.LastError));
                        }
                        else
                        {
                            Connects++;
                            SampleText.Log(me, "connected " + netc.LocalEndPoint + " -> " + netc.RemoteEndPoint);
                            Talk(me, netc, line, echo);
                        }
                    }
                    finally
                    {
                        // Graceful close with a deadline, then the netc's memory goes back.
                        LibNet.Close(me, 2000, netc);
                        netc.Release();
                    }

                    if (MoreSessions)
                    {
                        Pause(me, ReconnectDelayMs);
                    }
                }
            }
            finally
            {
                _done.Set();
            }
        }

        private void Talk(string me, NetCtrl netc, byte[] line, byte[] echo)
        {
            int sent = 0;
            while (!Stopped && (EchoesPerSession == 0 || sent < EchoesPerSession))
            {
                int len = SampleText.Put("ping ", Echoes + Mismatches + 1, line);
                bool full;
                if (!LibNet.Tx(me, ReplyTimeoutMs, netc, line, 0, len, out full) || full)
                {
                    SampleText.Log(me, "send failed: " + NetError.Name(netc.LastError));
                    return;
                }

                sent++;
                int got = 0;
                while (got < len)
                {
                    bool gotEvent;
                    if (!LibNet.Wait(me, ReplyTimeoutMs, netc, out gotEvent))
                    {
                        SampleText.Log(me, "connection lost: " + NetError.Name(netc.LastError));
                        return;
                    }

                    if (!gotEvent)
                    {
                        SampleText.Log(me, "no echo within " + ReplyTimeoutMs + " ms");
                        return;
                    }

                    int read;
                    if (!netc.Rx(echo, got, len - got, out read))
                    {
                        SampleText.Log(me, "the server closed the connection");
                        return;
                    }

                    got += read;
                    if (Stopped)
                    {
                        return;
                    }
                }

                if (SampleText.Same(line, echo, len))
                {
                    Echoes++;
                    SampleText.Log(me, "echo \"" + SampleText.Get(echo, 0, len) + "\"");
                }
                else
                {
                    Mismatches++;
                    SampleText.Log(me, "echo differs from what was sent");
                }

                Pause(me, SendIntervalMs);
            }
        }

        // A pause that Stop() cuts short: it waits in the task's mailbox for the forced
        // wake-up. A socket event taken on the way does no harm: LibNet.Wait looks at the
        // netc's state, not only at its messages.
        private void Pause(string me, int ms)
        {
            if (ms > 0 && !Stopped)
            {
                TaskMessage msg;
                SysPlus.WaitMsg(me, SocketEvent.Event, ms, out msg);
            }
        }
    }
}
