using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NanoLibNet.Mqtt.Bench
{
    /// <summary>The same measurements with MQTTnet's client (MQTT 3.1.1, its defaults), awaited the way its API is meant to be used.</summary>
    public sealed class MqttNetClient
    {
        private readonly int _port;
        private readonly Sizes _s;
        private readonly Results _r = new Results { Name = "MQTTnet 5.2 client" };

        public MqttNetClient(int port, Sizes sizes)
        {
            _port = port;
            _s = sizes;
        }

        public Results Run()
        {
            try
            {
                RunAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                _r.Failure = "MQTTnet: " + ex.Message;
            }

            return _r;
        }

        private async Task RunAsync()
        {
            int before = Process.GetCurrentProcess().Threads.Count;
            using IMqttClient c = new MqttClientFactory().CreateMqttClient();
            SemaphoreSlim received = new SemaphoreSlim(0);
            c.ApplicationMessageReceivedAsync += e =>
            {
                received.Release();
                return Task.CompletedTask;
            };
            await c.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId("mqttnet-bench")
                .WithProtocolVersion(MqttProtocolVersion.V311).Build(), CancellationToken.None);
            _r.ProcessThreadsAdded = Process.GetCurrentProcess().Threads.Count - before;
            _r.ClientThreads = _r.ProcessThreadsAdded; // MQTTnet runs on the thread pool: the threads it brought in
            byte[] payload = new byte[_s.PayloadBytes];
            MqttApplicationMessage q0 = new MqttApplicationMessageBuilder().WithTopic("bench/q0").WithPayload(payload).Build();
            MqttApplicationMessage q1 = new MqttApplicationMessageBuilder().WithTopic("bench/q1").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            MqttApplicationMessage fence = new MqttApplicationMessageBuilder().WithTopic("bench/fence").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            MqttApplicationMessage rt = new MqttApplicationMessageBuilder().WithTopic("bench/rt/net").WithPayload(payload).Build();

            for (int i = 0; i < 50; i++)
            {
                await c.PublishAsync(q1, CancellationToken.None);
            }

            (int n, double sec, long alloc) = await TimeAsync(() => c.PublishAsync(q0, CancellationToken.None), _s.Qos0Messages);
            await c.PublishAsync(fence, CancellationToken.None);
            _r.Qos0Rate = n / sec;
            _r.AllocQos0 = (double)alloc / n;

            (n, sec, alloc) = await TimeAsync(() => c.PublishAsync(q1, CancellationToken.None), _s.Qos1Messages);
            _r.Qos1Rate = n / sec;
            _r.AllocQos1 = (double)alloc / n;

            // 16 in flight: start a publish, and once 16 are out, await the oldest first.
            Queue<Task> window = new Queue<Task>();
            Stopwatch sw = Stopwatch.StartNew();
            int count = 0;
            while (count < _s.Qos1Messages * 4 && sw.Elapsed.TotalSeconds < _s.MaxSeconds)
            {
                if (window.Count == 16)
                {
                    await window.Dequeue();
                }

                window.Enqueue(c.PublishAsync(q1, CancellationToken.None));
                count++;
            }

            while (window.Count > 0)
            {
                await window.Dequeue();
            }

            _r.Qos1PipelinedRate = count / sw.Elapsed.TotalSeconds;

            await c.SubscribeAsync("bench/rt/net", MqttQualityOfServiceLevel.AtMostOnce, CancellationToken.None);
            List<double> us = new List<double>(_s.RoundTrips);
            long a0 = GC.GetTotalAllocatedBytes(true);
            Stopwatch total = Stopwatch.StartNew();
            for (int i = 0; i < _s.RoundTrips && total.Elapsed.TotalSeconds < _s.MaxSeconds; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                await c.PublishAsync(rt, CancellationToken.None);
                if (!await received.WaitAsync(10000))
                {
                    throw new TimeoutException("round trip " + i + " did not come back");
                }

                us.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
            }

            _r.AllocRoundTrip = (double)(GC.GetTotalAllocatedBytes(true) - a0) / us.Count;
            us.Sort();
            _r.RttP50Us = Results.Percentile(us, 0.5);
            _r.RttP99Us = Results.Percentile(us, 0.99);
            await c.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        private async Task<(int, double, long)> TimeAsync(Func<Task> op, int count)
        {
            long a0 = GC.GetTotalAllocatedBytes(true);
            Stopwatch sw = Stopwatch.StartNew();
            int done = 0;
            while (done < count && sw.Elapsed.TotalSeconds < _s.MaxSeconds)
            {
                await op();
                done++;
            }

            return (done, sw.Elapsed.TotalSeconds, GC.GetTotalAllocatedBytes(true) - a0);
        }
    }
}
