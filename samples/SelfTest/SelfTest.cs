using System;
using System.Collections;
using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// LibNet conformance scenarios against an echo peer (TCP, and UDP when a UDP port is given),
    /// run in one task, each printed as PASS or FAIL with its time. The same code runs on the
    /// device (SelfTest.nfproj, against a PC on the LAN) and on the host, where
    /// LibNet.Nano.Tests runs it against a loopback echo peer and requires every scenario to pass.
    /// Timing bounds are generous (a busy board or machine), but each one still proves its bound.
    /// </summary>
    public sealed class SelfTest
    {
        /// <summary>The task's name.</summary>
        public const string TaskName = "selftest";

        /// <summary>Slack allowed beyond a timeout before a scenario fails (ms).</summary>
        public const int SlackMs = 1500;

        private readonly NetAdapter _adapter;
        private readonly string _host;
        private readonly int _tcpPort;
        private readonly int _udpPort;
        private readonly ArrayList _lines = new ArrayList();
        private readonly ManualResetEvent _done = new ManualResetEvent(false);
        private string _failure;

        /// <summary>Scenarios against the echo peer at <paramref name="host"/> (TCP <paramref name="tcpPort"/>; UDP <paramref name="udpPort"/>, 0 = skip UDP).</summary>
        public SelfTest(NetAdapter adapter, string host, int tcpPort, int udpPort)
        {
            _adapter = adapter;
            _host = host;
            _tcpPort = tcpPort;
            _udpPort = udpPort;
        }

        /// <summary>Scenarios that passed.</summary>
        public int Passed { get; private set; }

        /// <summary>Scenarios that failed.</summary>
        public int Failed { get; private set; }

        /// <summary>Scenarios skipped (no UDP port given).</summary>
        public int Skipped { get; private set; }

        /// <summary>The result lines, "PASS name (N ms)" or "FAIL name: why", in order.</summary>
        public string[] Lines
        {
            get
            {
                lock (_lines)
                {
                    string[] a = new string[_lines.Count];
                    _lines.CopyTo(a);
                    return a;
                }
            }
        }

        /// <summary>Runs every scenario in the self-test task and waits at most <paramref name="timeout"/> ms; true when all ran and none failed.</summary>
        public bool Run(int timeout)
        {
            bool started;
            try
            {
                started = SysPlus.TaskInitEx(Body, TaskName, null, null);
            }
            catch (ArgumentException)
            {
                started = false;
            }

            if (!started)
            {
                Record(false, "start", "could not start the task " + TaskName + " (one is already running?)", 0);
                return false;
            }

            bool ended = _done.WaitOne(timeout, false) && SysPlus.Join(TaskName, timeout);
            if (!ended)
            {
                Record(false, "all", "the self-test did not end within " + timeout + " ms", timeout);
            }

            SampleText.Log(TaskName, "summary: " + Passed + " PASS, " + Failed + " FAIL, " + Skipped + " SKIP");
            return ended && Failed == 0;
        }

        private void Body(object arg)
        {
            const string me = TaskName;
            try
            {
                Scenario(me, "link up (WaitLink)", 0);
                Scenario(me, "connect", 1);
                Scenario(me, "round trip 200 bytes", 2);
                Scenario(me, "round trips 8 x 512 bytes", 3);
                Scenario(me, "wait timeout 300 ms", 4);
                Scenario(me, "forced wait exit (SendMsg Event)", 5);
                Scenario(me, "connect to a closed port fails in time", 6);
                Scenario(me, "close (graceful, then released)", 7);
                if (_udpPort == 0)
                {
                    Skipped++;
                    Add("SKIP udp round trip (no UDP port given)");
                }
                else
                {
                    Scenario(me, "udp round trip", 8);
                }
            }
            finally
            {
                _done.Set();
            }
        }

        private void Scenario(string me, string name, int which)
        {
            _failure = null;
            DateTime start = DateTime.UtcNow;
            bool ok;
            try
            {
                ok = RunScenario(me, which);
            }
            catch (Exception ex)
            {
                ok = false;
                _failure = ex.GetType().Name + ": " + ex.Message;
            }

            Record(ok, name, _failure, SampleText.Ms(start));
        }

        private bool RunScenario(string me, int which)
        {
            switch (which)
            {
                case 0: return LinkUp(me);
                case 1: return WithConnection(me, false, which);
                case 2: return WithConnection(me, true, which);
                case 3: return WithConnection(me, true, which);
                case 4: return WithConnection(me, true, which);
                case 5: return WithConnection(me, true, which);
                case 6: return ClosedPort(me);
                case 7: return WithConnection(me, true, which);
                default: return Udp(me);
            }
        }

        private bool LinkUp(string me)
        {
            NetCtrl netc = NetCtrl.Create(_adapter, me);
            try
            {
                return Check(LibNet.WaitLink(me, 10000, netc), "no link within 10 s");
            }
            finally
            {
                netc.Release();
            }
        }

        // Connects, runs one scenario on the connection, then closes and releases.
        private bool WithConnection(string me, bool needConnected, int which)
        {
            NetCtrl netc = NetCtrl.Create(_adapter, me);
            try
            {
                DateTime start = DateTime.UtcNow;
                bool connected = LibNet.Connect(me, 5000, netc, _host, _tcpPort);
                int ms = SampleText.Ms(start);
                if (!Check(connected, "connect failed: " + NetError.Name(netc.LastError) + " " + netc.LastErrorMessage)
                    || !Check(netc.State == NetCtrlState.Online, "state " + netc.State.ToString() + " after connect")
                    || !Check(ms <= 5000 + SlackMs, "connect took " + ms + " ms"))
                {
                    return false;
                }

                switch (which)
                {
                    case 2: return RoundTrip(me, netc, 200, 1);
                    case 3: return RoundTrip(me, netc, 512, 8);
                    case 4: return WaitTimeout(me, netc);
                    case 5: return ForcedExit(me, netc);
                    case 7: return Close(me, netc);
                    default: return true;
                }
            }
            finally
            {
                if (netc.State != NetCtrlState.Released)
                {
                    LibNet.Close(me, 2000, netc);
                    netc.Release();
                }
            }
        }

        private bool RoundTrip(string me, NetCtrl netc, int size, int times)
        {
            byte[] data = new byte[size];
            byte[] back = new byte[size];
            for (int t = 0; t < times; t++)
            {
                for (int i = 0; i < size; i++)
                {
                    data[i] = (byte)(i * 7 + t);
                }

                bool full;
                if (!Check(LibNet.Tx(me, 5000, netc, data, 0, size, out full), "tx failed: " + NetError.Name(netc.LastError))
                    || !Check(!full, "tx buffer full"))
                {
                    return false;
                }

                int got = 0;
                while (got < size)
                {
                    bool gotEvent;
                    bool ok = LibNet.Wait(me, 5000, netc, out gotEvent);
                    if (!Check(ok, "wait failed: " + NetError.Name(netc.LastError)) || !Check(gotEvent, "no echo within 5 s (" + got + "/" + size + " bytes)"))
                    {
                        return false;
                    }

                    int n;
                    if (!Check(netc.Rx(back, got, size - got, out n), "peer closed after " + got + " bytes"))
                    {
                        return false;
                    }

                    got += n;
                }

                for (int i = 0; i < size; i++)
                {
                    if (back[i] != data[i])
                    {
                        return Check(false, "echo differs at byte " + i + " of round " + t);
                    }
                }
            }

            return true;
        }

        private bool WaitTimeout(string me, NetCtrl netc)
        {
            DateTime start = DateTime.UtcNow;
            bool gotEvent;
            bool ok = LibNet.Wait(me, 300, netc, out gotEvent);
            int ms = SampleText.Ms(start);
            return Check(ok, "wait reported a network error: " + NetError.Name(netc.LastError))
                && Check(!gotEvent, "an event came with nothing sent")
                && Check(ms >= 250, "returned after " + ms + " ms, before the timeout")
                && Check(ms <= 300 + SlackMs, "returned after " + ms + " ms, long past the timeout");
        }

        private bool ForcedExit(string me, NetCtrl netc)
        {
            // Another thread ends the task's wait, as LuatOS's sysplus.sendMsg(name, socket.EVENT, 0) does.
            Timer kick = new Timer(KickWait, null, 100, Timeout.Infinite);
            try
            {
                DateTime start = DateTime.UtcNow;
                bool gotEvent;
                bool ok = LibNet.Wait(me, 10000, netc, out gotEvent);
                int ms = SampleText.Ms(start);
                int n;
                netc.Rx(new byte[16], 0, 16, out n);
                return Check(ok && gotEvent, "wait returned (" + ok + ", " + gotEvent + "), not (true, true)")
                    && Check(ms < 100 + SlackMs, "the forced exit took " + ms + " ms")
                    && Check(n == 0, "data arrived with nothing sent");
            }
            finally
            {
                kick.Dispose();
            }
        }

        private static void KickWait(object state)
        {
            SysPlus.SendMsg(TaskName, SocketEvent.Event, 0);
        }

        private bool ClosedPort(string me)
        {
            // Port 1 (tcpmux) is closed on almost every host: the peer answers with a reset.
            NetCtrl netc = NetCtrl.Create(_adapter, me);
            try
            {
                DateTime start = DateTime.UtcNow;
                bool connected = LibNet.Connect(me, 3000, netc, _host, 1);
                int ms = SampleText.Ms(start);
                return Check(!connected, "connected to port 1")
                    && Check(netc.LastError != NetError.None, "failed without an error code")
                    && Check(ms <= 3000 + SlackMs, "took " + ms + " ms (deadline 3000)");
            }
            finally
            {
                LibNet.Close(me, 1000, netc);
                netc.Release();
            }
        }

        private bool Close(string me, NetCtrl netc)
        {
            DateTime start = DateTime.UtcNow;
            LibNet.Close(me, 3000, netc);
            int ms = SampleText.Ms(start);
            int n;
            bool rx = netc.Rx(new byte[16], 0, 16, out n);
            bool closed = netc.State == NetCtrlState.Closed;
            netc.Release();
            bool released = false;
            try
            {
                bool linked;
                netc.LinkUp(out linked);
            }
            catch (ObjectDisposedException)
            {
                released = true;
            }

            return Check(ms <= 3000 + SlackMs, "close took " + ms + " ms")
                && Check(closed, "state after close is not Closed")
                && Check(!rx, "Rx after close did not report the end")
                && Check(released, "a released netc still answered");
        }

        private bool Udp(string me)
        {
            NetCtrl netc = NetCtrl.Create(_adapter, me);
            try
            {
                netc.Config(0, true, false);
                if (!Check(LibNet.Connect(me, 5000, netc, _host, _udpPort), "udp open failed: " + NetError.Name(netc.LastError)))
                {
                    return false;
                }

                byte[] data = new byte[100];
                byte[] back = new byte[200];
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (byte)(255 - i);
                }

                // UDP may drop a datagram: three tries, each with its own deadline.
                for (int attempt = 0; attempt < 3; attempt++)
                {
                    bool full;
                    if (!Check(LibNet.Tx(me, 2000, netc, data, 0, data.Length, out full) && !full, "udp tx failed"))
                    {
                        return false;
                    }

                    bool gotEvent;
                    if (LibNet.Wait(me, 2000, netc, out gotEvent) && gotEvent)
                    {
                        int n;
                        if (netc.Rx(back, 0, back.Length, out n) && n == data.Length && SampleText.Same(data, back, n))
                        {
                            return true;
                        }
                    }
                }

                return Check(false, "no echo of the datagram in 3 tries");
            }
            finally
            {
                LibNet.Close(me, 1000, netc);
                netc.Release();
            }
        }

        private bool Check(bool condition, string failure)
        {
            if (!condition && _failure == null)
            {
                _failure = failure;
            }

            return condition;
        }

        private void Record(bool ok, string name, string failure, int ms)
        {
            if (ok)
            {
                Passed++;
                Add("PASS " + name + " (" + ms + " ms)");
            }
            else
            {
                Failed++;
                Add("FAIL " + name + ": " + (failure == null ? "failed" : failure) + " (" + ms + " ms)");
            }
        }

        private void Add(string line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }

            SampleText.Log(TaskName, line);
        }
    }
}
