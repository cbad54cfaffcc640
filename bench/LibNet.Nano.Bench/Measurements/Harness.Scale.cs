using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // Many connections (256 by default) served by one task, against a thread per connection.
    internal sealed partial class Harness
    {
        // ---- scale: many connections -------------------------------------------------------------

        private void Scale()
        {
            int conns = _smoke ? 16 : 256;
            int ms = _smoke ? 500 : 5000;
            const int size = 64;
            List<double> libRate = new List<double>();
            List<double> rawRate = new List<double>();
            List<double> libP50 = new List<double>();
            List<double> libP99 = new List<double>();
            List<double> rawP50 = new List<double>();
            List<double> rawP99 = new List<double>();
            List<double> libMean = new List<double>();
            List<double> rawMean = new List<double>();
            int libThreads = 0;
            int rawThreads = 0;
            int libProcThreads = 0;
            int rawProcThreads = 0;
            using (AsyncEchoPeer peer = new AsyncEchoPeer())
            {
                for (int i = 0; i < _repeats; i++)
                {
                    ScaleResult l = ScaleLibNet(peer.Port, conns, ms, size);
                    ScaleResult r = ScaleRaw(peer.Port, conns, ms, size);
                    libRate.Add(l.RoundTripsPerSecond);
                    rawRate.Add(r.RoundTripsPerSecond);
                    libP50.Add(l.P50);
                    libP99.Add(l.P99);
                    rawP50.Add(r.P50);
                    rawP99.Add(r.P99);
                    libMean.Add(l.Mean);
                    rawMean.Add(r.Mean);
                    libThreads = l.Threads;
                    rawThreads = r.Threads;
                    libProcThreads = l.ProcessThreads;
                    rawProcThreads = r.ProcessThreads;
                }
            }

            string c = conns + " conns";
            double lr = Stats.Median(libRate);
            double rr = Stats.Median(rawRate);
            _report.Row("scale " + c + ": round trips/s (64 B)", Stats.F(lr, 0), Stats.F(rr, 0), Stats.F(lr / rr, 2), "-", null);
            _report.Row("scale " + c + ": client threads (tasks + engine + workers | one per conn)", libThreads.ToString(), rawThreads.ToString(), "-", "-", null);
            _report.Row("scale " + c + ": process threads (incl. peer and runtime)", libProcThreads.ToString(), rawProcThreads.ToString(), "-", "-", null);
            _report.Row("scale " + c + ": round-trip latency p50 (µs)", Stats.F(Stats.Median(libP50)), Stats.F(Stats.Median(rawP50)), Stats.F(Stats.Median(libP50) / Stats.Median(rawP50), 2), "-", null);
            _report.Row("scale " + c + ": round-trip latency p99 (µs)", Stats.F(Stats.Median(libP99)), Stats.F(Stats.Median(rawP99)), Stats.F(Stats.Median(libP99) / Stats.Median(rawP99), 2), "-", null);

            // With every connection keeping one request in flight, the mean latency is fixed by the
            // rate (Little's law: connections / round trips per second); the median says how fairly
            // the waiting is shared out, which a thread per connection on 2 cores does unevenly.
            _report.Row("scale " + c + ": round-trip latency mean (µs; Little's law: " + conns + " / rate)", Stats.F(Stats.Median(libMean)), Stats.F(Stats.Median(rawMean)), Stats.F(Stats.Median(libMean) / Stats.Median(rawMean), 2), "-", null);
        }

        private sealed class ScaleResult
        {
            internal double RoundTripsPerSecond;
            internal double P50;
            internal double P99;
            internal double Mean;
            internal int Threads;
            internal int ProcessThreads;
        }

        /// <summary>One task drives every connection: Tx, arm Wait, then react to Event messages (Source says which netc).</summary>
        private static ScaleResult ScaleLibNet(int port, int conns, int ms, int size)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            ScaleResult result = new ScaleResult();
            long[] samples = new long[1 << 20];
            int sampleCount = 0;
            long roundTrips = 0;
            long elapsed = 0;
            ManualResetEvent measuring = new ManualResetEvent(false);
            ManualResetEvent counted = new ManualResetEvent(false);
            TaskRun run = TaskRun.Start("scale", me =>
            {
                byte[] data = new byte[size];
                byte[] buf = new byte[size];
                NetCtrl[] netcs = new NetCtrl[conns];
                Dictionary<NetCtrl, int> index = new Dictionary<NetCtrl, int>();
                long[] sentAt = new long[conns];
                int[] got = new int[conns];
                for (int i = 0; i < conns; i++)
                {
                    netcs[i] = NetCtrl.Create(adapter, me);
                    netcs[i].Config(0, false, false);
                    Check(LibNet.Connect(me, 10000, netcs[i], Loop.Ip, port), netcs[i], "Connect");
                    index[netcs[i]] = i;
                }

                long start = Stopwatch.GetTimestamp();
                long end = start + ms * Stopwatch.Frequency / 1000;
                try
                {
                    for (int i = 0; i < conns; i++)
                    {
                        if (SendNext(netcs[i], data, sentAt, got, i))
                        {
                            roundTrips += Serve(netcs[i], i, buf, data, sentAt, got, samples, ref sampleCount);
                        }
                    }

                    measuring.Set();
                    while (Stopwatch.GetTimestamp() < end)
                    {
                        TaskMessage msg;
                        if (!SysPlus.WaitMsg(me, 1000, out msg))
                        {
                            throw new InvalidOperationException("no event for 1 s with " + conns + " connections busy");
                        }

                        if (msg.Id != SocketEvent.Event)
                        {
                            continue;
                        }

                        NetCtrl n = (NetCtrl)msg.Source;
                        Check(msg.Param == 0, n, "Event");
                        int k = index[n];
                        roundTrips += Serve(n, k, buf, data, sentAt, got, samples, ref sampleCount);
                    }

                    elapsed = Stopwatch.GetTimestamp() - start;
                }
                finally
                {
                    measuring.Set();
                    counted.Set();
                    for (int i = 0; i < conns; i++)
                    {
                        if (netcs[i] != null)
                        {
                            netcs[i].Release();
                        }
                    }
                }
            }, conns * 4 + 16);

            measuring.WaitOne(120000);
            counted.WaitOne(Math.Min(ms / 2, 1000));
            result.Threads = SysPlus.ThreadCount + adapter.ThreadCount;
            result.ProcessThreads = Process.GetCurrentProcess().Threads.Count;
            counted.WaitOne(120000);
            run.Join();
            EndAdapter(adapter);
            result.RoundTripsPerSecond = roundTrips / (Stats.TicksToMs(elapsed) / 1000.0);
            List<double> lat = new List<double>(sampleCount);
            for (int i = 0; i < sampleCount; i++)
            {
                lat.Add(Stats.TicksToMicros(samples[i]));
            }

            result.P50 = Stats.Percentile(lat, 50);
            result.P99 = Stats.Percentile(lat, 99);
            result.Mean = Stats.Mean(lat);
            return result;
        }

        /// <summary>Reads what has come for connection k; on a whole reply, records it and sends the next request. Returns replies completed.</summary>
        private static int Serve(NetCtrl n, int k, byte[] buf, byte[] data, long[] sentAt, int[] got, long[] samples, ref int sampleCount)
        {
            int completed = 0;
            while (true)
            {
                int read;
                Check(n.Rx(buf, 0, data.Length - got[k], out read), n, "Rx");
                got[k] += read;
                bool has;
                if (got[k] == data.Length)
                {
                    long t = Stopwatch.GetTimestamp();
                    if (sampleCount < samples.Length)
                    {
                        samples[sampleCount++] = t - sentAt[k];
                    }

                    completed++;
                    has = SendNext(n, data, sentAt, got, k);
                }
                else
                {
                    Check(n.Wait(out has), n, "Wait");
                }

                if (!has)
                {
                    return completed;
                }
            }
        }

        /// <summary>Sends the next request on connection k and arms its Event; true when reply bytes are already waiting.</summary>
        private static bool SendNext(NetCtrl n, byte[] data, long[] sentAt, int[] got, int k)
        {
            bool full;
            bool done;
            got[k] = 0;
            sentAt[k] = Stopwatch.GetTimestamp();
            Check(n.Tx(data, 0, data.Length, out full, out done) && !full, n, "Tx");
            bool has;
            Check(n.Wait(out has), n, "Wait");
            return has;
        }

        /// <summary>One blocking thread per connection: Send, Receive, repeat.</summary>
        private static ScaleResult ScaleRaw(int port, int conns, int ms, int size)
        {
            ScaleResult result = new ScaleResult();
            int per = (1 << 20) / conns;
            long[][] samples = new long[conns][];
            int[] counts = new int[conns];
            long[] trips = new long[conns];
            Socket[] sockets = new Socket[conns];
            Exception fault = null;
            for (int i = 0; i < conns; i++)
            {
                sockets[i] = Loop.Client(port);
                samples[i] = new long[per];
            }

            Barrier gate = new Barrier(conns + 1);
            long endAt = 0;
            Thread[] threads = new Thread[conns];
            for (int i = 0; i < conns; i++)
            {
                int k = i;
                threads[i] = new Thread(() =>
                {
                    byte[] data = new byte[size];
                    byte[] buf = new byte[size];
                    Socket s = sockets[k];
                    gate.SignalAndWait();
                    try
                    {
                        while (Stopwatch.GetTimestamp() < Volatile.Read(ref endAt))
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            Loop.SendAll(s, data, 0, size);
                            Loop.ReceiveExactly(s, buf, size);
                            long t = Stopwatch.GetTimestamp() - t0;
                            if (counts[k] < per)
                            {
                                samples[k][counts[k]++] = t;
                            }

                            trips[k]++;
                        }
                    }
                    catch (Exception ex)
                    {
                        fault = ex;
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            long start = Stopwatch.GetTimestamp();
            Volatile.Write(ref endAt, start + ms * Stopwatch.Frequency / 1000 + Stopwatch.Frequency);
            gate.SignalAndWait();
            start = Stopwatch.GetTimestamp();
            Volatile.Write(ref endAt, start + ms * Stopwatch.Frequency / 1000);
            Thread.Sleep(Math.Min(ms / 2, 1000));
            result.Threads = conns;
            result.ProcessThreads = Process.GetCurrentProcess().Threads.Count;
            foreach (Thread t in threads)
            {
                t.Join(60000);
            }

            long elapsed = Stopwatch.GetTimestamp() - start;
            foreach (Socket s in sockets)
            {
                s.Close();
            }

            if (fault != null)
            {
                throw new InvalidOperationException("raw scale client failed", fault);
            }

            long total = 0;
            List<double> lat = new List<double>();
            for (int i = 0; i < conns; i++)
            {
                total += trips[i];
                for (int j = 0; j < counts[i]; j++)
                {
                    lat.Add(Stats.TicksToMicros(samples[i][j]));
                }
            }

            result.RoundTripsPerSecond = total / (Stats.TicksToMs(elapsed) / 1000.0);
            result.P50 = Stats.Percentile(lat, 50);
            result.P99 = Stats.Percentile(lat, 99);
            result.Mean = Stats.Mean(lat);
            return result;
        }
    }
}
