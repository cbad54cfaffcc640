using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // How late a Wait or Connect deadline ends, with many tasks at once.
    internal sealed partial class Harness
    {
        // ---- timeout precision ---------------------------------------------------------------------

        private void Timeouts()
        {
            int n = _smoke ? 10 : 50;
            int rounds = _smoke ? 1 : 4;
            int waitMs = _smoke ? 50 : 200;
            int connectMs = _smoke ? 100 : 300;
            List<double> libWait = new List<double>();
            List<double> rawWait = new List<double>();
            using (AsyncEchoPeer peer = new AsyncEchoPeer())
            {
                for (int i = 0; i < _repeats; i++)
                {
                    libWait.AddRange(WaitOvershootLibNet(peer.Port, n, rounds, waitMs));
                    rawWait.AddRange(WaitOvershootRaw(peer.Port, n, rounds, waitMs));
                }
            }

            string w = n + " tasks, " + waitMs + " ms";
            _report.Row("Wait timeout overshoot p50 (ms; " + w + ")", Stats.F(Stats.Percentile(libWait, 50)), Stats.F(Stats.Percentile(rawWait, 50)), "-", "-", null);
            _report.Row("Wait timeout overshoot p99 (ms; " + w + ")", Stats.F(Stats.Percentile(libWait, 99)), Stats.F(Stats.Percentile(rawWait, 99)), "-", "-", null);

            List<double> libConnect = new List<double>();
            List<double> rawConnect = new List<double>();
            int busy = 0;
            int other = 0;
            using (StalledListener stalled = new StalledListener())
            {
                for (int i = 0; i < _repeats; i++)
                {
                    libConnect.AddRange(ConnectOvershootLibNet(stalled.Port, n, rounds, connectMs, ref busy, ref other));
                    rawConnect.AddRange(ConnectOvershootRaw(stalled.Port, n, rounds, connectMs));
                }
            }

            string c = n + " tasks, " + connectMs + " ms";
            _report.Row("Connect timeout overshoot p50 (ms; " + c + ")", Stats.F(Stats.Percentile(libConnect, 50)), Stats.F(Stats.Percentile(rawConnect, 50)), "-", "-", null);
            _report.Row("Connect timeout overshoot p99 (ms; " + c + ")", Stats.F(Stats.Percentile(libConnect, 99)), Stats.F(Stats.Percentile(rawConnect, 99)), "-", "-", null);
            if (busy > 0 || other > 0)
            {
                _report.Note("Connect timeouts: " + busy + " of " + (_repeats * rounds * n) + " connects were refused at once with NetError.Busy (no thread could be made for the connect); " + other + " ended otherwise; overshoot counts only the ones that timed out");
            }
        }

        private static List<double> WaitOvershootLibNet(int port, int n, int rounds, int waitMs)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            List<double> over = new List<double>();
            Barrier gate = new Barrier(n + 1);
            TaskRun[] runs = new TaskRun[n];
            for (int i = 0; i < n; i++)
            {
                runs[i] = TaskRun.Start("tw", me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false);
                    bool ok = LibNet.Connect(me, 10000, netc, Loop.Ip, port);
                    gate.SignalAndWait();
                    Check(ok, netc, "Connect");
                    for (int r = 0; r < rounds; r++)
                    {
                        gate.SignalAndWait();
                        long t0 = Stopwatch.GetTimestamp();
                        bool ev;
                        Check(LibNet.Wait(me, waitMs, netc, out ev) && !ev, netc, "Wait (should time out)");
                        double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                        lock (over)
                        {
                            over.Add(ms - waitMs);
                        }
                    }

                    netc.Release();
                });
            }

            gate.SignalAndWait();
            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
            }

            foreach (TaskRun run in runs)
            {
                run.Join();
            }

            EndAdapter(adapter);
            return over;
        }

        private static List<double> WaitOvershootRaw(int port, int n, int rounds, int waitMs)
        {
            List<double> over = new List<double>();
            Barrier gate = new Barrier(n + 1);
            Thread[] threads = new Thread[n];
            Exception fault = null;
            for (int i = 0; i < n; i++)
            {
                threads[i] = new Thread(() =>
                {
                    using (Socket s = Loop.Client(port))
                    {
                        for (int r = 0; r < rounds; r++)
                        {
                            gate.SignalAndWait();
                            long t0 = Stopwatch.GetTimestamp();
                            if (s.Poll(waitMs * 1000, SelectMode.SelectRead))
                            {
                                fault = new InvalidOperationException("idle socket became readable");
                            }

                            double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                            lock (over)
                            {
                                over.Add(ms - waitMs);
                            }
                        }
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
            }

            foreach (Thread t in threads)
            {
                t.Join(60000);
            }

            if (fault != null)
            {
                throw fault;
            }

            return over;
        }

        private static List<double> ConnectOvershootLibNet(int port, int n, int rounds, int timeoutMs, ref int busy, ref int other)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            List<double> over = new List<double>();
            int busyCount = 0;
            int otherCount = 0;
            Barrier gate = new Barrier(n + 1);
            TaskRun[] runs = new TaskRun[n];
            for (int i = 0; i < n; i++)
            {
                runs[i] = TaskRun.Start("tc", me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false);
                    for (int r = 0; r < rounds; r++)
                    {
                        gate.SignalAndWait();
                        long t0 = Stopwatch.GetTimestamp();
                        bool ok = LibNet.Connect(me, timeoutMs, netc, Loop.Ip, port);
                        double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                        if (ok)
                        {
                            throw new InvalidOperationException("connect to the stalled listener succeeded");
                        }

                        lock (over)
                        {
                            if (netc.LastError == NetError.Timeout)
                            {
                                over.Add(ms - timeoutMs);
                            }
                            else if (netc.LastError == NetError.Busy)
                            {
                                busyCount++;
                            }
                            else
                            {
                                otherCount++;
                            }
                        }

                        // Every connect of the round has ended before the next round starts.
                        gate.SignalAndWait();
                    }

                    netc.Release();
                });
            }

            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
                gate.SignalAndWait();
                adapter.WaitIdle(5000);
            }

            foreach (TaskRun run in runs)
            {
                run.Join();
            }

            EndAdapter(adapter);
            busy += busyCount;
            other += otherCount;
            return over;
        }

        private static List<double> ConnectOvershootRaw(int port, int n, int rounds, int timeoutMs)
        {
            List<double> over = new List<double>();
            Barrier gate = new Barrier(n + 1);
            Thread[] threads = new Thread[n];
            Exception fault = null;
            for (int i = 0; i < n; i++)
            {
                threads[i] = new Thread(() =>
                {
                    for (int r = 0; r < rounds; r++)
                    {
                        gate.SignalAndWait();
                        using (Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            s.Blocking = false;
                            try
                            {
                                s.Connect(new IPEndPoint(IPAddress.Loopback, port));
                            }
                            catch (SocketException se) when (se.SocketErrorCode == SocketError.WouldBlock || se.SocketErrorCode == SocketError.InProgress)
                            {
                                // In progress: Poll below gives it its time.
                            }

                            if (s.Poll(timeoutMs * 1000, SelectMode.SelectWrite))
                            {
                                fault = new InvalidOperationException("raw connect to the stalled listener completed");
                            }

                            double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                            lock (over)
                            {
                                over.Add(ms - timeoutMs);
                            }
                        }

                        gate.SignalAndWait();
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
                gate.SignalAndWait();
            }

            foreach (Thread t in threads)
            {
                t.Join(60000);
            }

            if (fault != null)
            {
                throw fault;
            }

            return over;
        }
    }
}
