using System;
using System.Collections.Generic;
using System.Diagnostics;
using NanoLibNet;

namespace NanoLibNet.Mqtt.Bench
{
    /// <summary>The measurements with LibNet.Nano.Mqtt, in one LibNet task (the client has no thread of its own).</summary>
    public sealed class LibNetMqtt
    {
        private const string Task = "mqtt-bench";
        private readonly int _port;
        private readonly Sizes _s;
        private readonly Results _r = new Results { Name = "LibNet.Nano.Mqtt" };

        public LibNetMqtt(int port, Sizes sizes)
        {
            _port = port;
            _s = sizes;
        }

        public Results Run()
        {
            int before = Process.GetCurrentProcess().Threads.Count;
            SysPlus.TaskInitEx(Body, Task, null, before);
            SysPlus.Join(Task, 600000);
            return _r;
        }

        private void Body(object arg)
        {
            int before = (int)arg;
            MqttClient c = new MqttClient(NetAdapter.Default, Task, 4096, 16384, 16) { ClientId = "nano-bench" };
            try
            {
                if (!c.Connect(10000, "127.0.0.1", _port))
                {
                    throw new InvalidOperationException("connect: " + MqttError.Name(c.LastError));
                }

                _r.ProcessThreadsAdded = Process.GetCurrentProcess().Threads.Count - before;
                _r.ClientThreads = SysPlus.ThreadCount + NetAdapter.Default.ThreadCount;
                byte[] payload = new byte[_s.PayloadBytes];

                // Warm-up, then each measurement.
                for (int i = 0; i < 50; i++)
                {
                    Must(c, c.Publish(10000, "bench/q1", payload, 1, false));
                }

                Results.Time(i => c.Publish(10000, "bench/q0", payload, 0, false), _s.Qos0Messages, _s.MaxSeconds, out int n, out double sec, out long alloc);
                Must(c, c.Publish(10000, "bench/fence", payload, 1, false)); // the broker has taken them all
                _r.Qos0Rate = n / sec;
                _r.AllocQos0 = (double)alloc / n;

                Results.Time(i => c.Publish(10000, "bench/q1", payload, 1, false), _s.Qos1Messages, _s.MaxSeconds, out n, out sec, out alloc);
                _r.Qos1Rate = n / sec;
                _r.AllocQos1 = (double)alloc / n;

                Results.Time(i => c.Post(10000, "bench/q1", payload, 0, payload.Length, 1, false, out int id), _s.Qos1Messages * 4, _s.MaxSeconds, out n, out sec, out alloc);
                Stopwatch flush = Stopwatch.StartNew();
                Must(c, c.Flush(10000));
                _r.Qos1PipelinedRate = n / (sec + flush.Elapsed.TotalSeconds);

                Must(c, c.Subscribe(10000, "bench/rt/nano", 0));
                List<double> us = new List<double>(_s.RoundTrips);
                long a0 = GC.GetTotalAllocatedBytes(true);
                Stopwatch total = Stopwatch.StartNew();
                for (int i = 0; i < _s.RoundTrips && total.Elapsed.TotalSeconds < _s.MaxSeconds; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Must(c, c.Publish(10000, "bench/rt/nano", payload, 0, false), "round-trip publish", i);
                    Must(c, c.Loop(10000, out bool got) && got, "round-trip receive (none within 10 s?)", i);
                    us.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
                }

                _r.AllocRoundTrip = (double)(GC.GetTotalAllocatedBytes(true) - a0) / us.Count;
                us.Sort();
                _r.RttP50Us = Results.Percentile(us, 0.5);
                _r.RttP99Us = Results.Percentile(us, 0.99);
                c.Disconnect(10000);
            }
            catch (Exception ex)
            {
                _r.Failure = "LibNet.Nano.Mqtt: " + ex.Message;
            }
            finally
            {
                c.Dispose();
            }
        }

        private static void Must(MqttClient c, bool ok, string what = null, int i = 0)
        {
            // The message is built only on failure: building it each time would allocate in the loops measured.
            if (!ok)
            {
                throw new InvalidOperationException((what == null ? string.Empty : what + " " + i + ": ") + MqttError.Name(c.LastError) + " / " + NetError.Name(c.NetError));
            }
        }
    }
}
