using System;
using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// UDP: a task sends numbered datagrams to an echo server and waits for each reply with a
    /// deadline, counting replies and losses (UDP may lose datagrams; the task does not hang).
    /// </summary>
    public sealed class UdpSample
    {
        /// <summary>The task's name.</summary>
        public const string TaskName = "udp-client";

        private readonly NetAdapter _adapter;
        private readonly string _host;
        private readonly int _port;
        private readonly ManualResetEvent _stop = new ManualResetEvent(false);
        private readonly ManualResetEvent _done = new ManualResetEvent(false);

        /// <summary>Datagrams to <paramref name="host"/>:<paramref name="port"/> (an IP literal and a UDP echo port).</summary>
        public UdpSample(NetAdapter adapter, string host, int port)
        {
            _adapter = adapter;
            _host = host;
            _port = port;
            ReplyTimeoutMs = 2000;
            SendIntervalMs = 1000;
        }

        /// <summary>How many datagrams to send (0 = until stopped).</summary>
        public int Rounds { get; set; }

        /// <summary>How long to wait for each reply (ms).</summary>
        public int ReplyTimeoutMs { get; set; }

        /// <summary>Pause between two datagrams (ms; 0 = none).</summary>
        public int SendIntervalMs { get; set; }

        /// <summary>Datagrams sent.</summary>
        public int Sent { get; private set; }

        /// <summary>Replies equal to what was sent.</summary>
        public int Replies { get; private set; }

        /// <summary>Datagrams with no (or a wrong) reply in time.</summary>
        public int Lost { get; private set; }

        /// <summary>Starts the task (ArgumentException if one with its name is already running).</summary>
        public bool Start()
        {
            return SysPlus.TaskInitEx(Body, TaskName, null, null);
        }

        /// <summary>Asks the task to end (a forced wake-up ends its current wait at once).</summary>
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

        private void Body(object arg)
        {
            const string me = TaskName;
            byte[] datagram = new byte[32];
            byte[] reply = new byte[64];
            NetCtrl netc = NetCtrl.Create(_adapter, me);
            try
            {
                netc.Config(0, true, false);
                if (!LibNet.WaitLink(me, 30000, netc))
                {
                    SampleText.Log(me, "no network link");
                    return;
                }

                // For UDP, connect only sets the default peer of Tx (no packet is sent).
                if (!LibNet.Connect(me, 5000, netc, _host, _port))
                {
                    SampleText.Log(me, "cannot open UDP to " + _host + ":" + _port + ": " + NetError.Name(netc.LastError));
                    return;
                }

                while (!Stopped && (Rounds == 0 || Sent < Rounds))
                {
                    int len = SampleText.Put("udp ", Sent + 1, datagram);
                    bool full;
                    if (!LibNet.Tx(me, ReplyTimeoutMs, netc, datagram, 0, len, out full) || full)
                    {
                        SampleText.Log(me, "send failed: " + NetError.Name(netc.LastError));
                        return;
                    }

                    Sent++;
                    if (AwaitReply(me, netc, datagram, len, reply))
                    {
                        Replies++;
                        SampleText.Log(me, "reply \"" + SampleText.Get(reply, 0, len) + "\"");
                    }
                    else
                    {
                        Lost++;
                        SampleText.Log(me, "no reply to datagram " + Sent);
                    }

                    if (SendIntervalMs > 0 && !Stopped)
                    {
                        TaskMessage msg;
                        SysPlus.WaitMsg(me, SocketEvent.Event, SendIntervalMs, out msg);
                    }
                }
            }
            finally
            {
                LibNet.Close(me, 1000, netc);
                netc.Release();
                _done.Set();
            }
        }

        // One datagram per Rx; a stale reply (to an earlier, late datagram) is read and skipped.
        private bool AwaitReply(string me, NetCtrl netc, byte[] sent, int len, byte[] reply)
        {
            DateTime start = DateTime.UtcNow;
            while (!Stopped)
            {
                int left = ReplyTimeoutMs - SampleText.Ms(start);
                if (left <= 0)
                {
                    return false;
                }

                bool gotEvent;
                if (!LibNet.Wait(me, left, netc, out gotEvent) || !gotEvent)
                {
                    return false;
                }

                int read;
                while (netc.Rx(reply, 0, reply.Length, out read) && read > 0)
                {
                    if (read == len && SampleText.Same(sent, reply, len))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
