using System;
using System.Threading;
using NanoLibNet.Samples.Mqtt;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>The ESP32 MQTT sample's logic (the same class the device build compiles) against the real broker.</summary>
    public class SampleTests : MqttTest
    {
        [Fact]
        public void SampleAnnouncesPublishesAnswersPingAndSaysOfflineOnStop()
        {
            using Peer console = Broker.Peer("console");
            console.Subscribe("dev1/#", 1);
            var sample = new MqttSample(Adapter, "127.0.0.1", Broker.Port, "dev1") { TelemetryIntervalMs = 100 };
            Assert.True(sample.Start());
            var m = console.Take();
            Assert.NotNull(m);
            Assert.Equal("dev1/status", m.Topic);
            Assert.Equal("online", Peer.Text(m));
            // The console reacts to "online" at once (as the host sample does): the sample must
            // have subscribed to its command topic before it said "online", or the ping is lost.
            Assert.Equal(new[] { "subscribe dev1:dev1/cmd", "publish dev1:dev1/status" },
                Array.FindAll(Broker.Log.ToArray(), e => e.StartsWith("subscribe dev1:") || e.StartsWith("publish dev1:dev1/status")));
            console.Publish("dev1/cmd", Bytes("ping"), 1);
            int telemetry = 0;
            bool pong = false;
            while (telemetry < 3 || !pong)
            {
                m = console.Take();
                Assert.NotNull(m);
                telemetry += m.Topic == "dev1/telemetry" ? 1 : 0;
                pong |= m.Topic == "dev1/pong";
            }

            sample.Stop();
            Assert.True(sample.WaitDone(Bound));
            Assert.True(sample.TelemetrySent >= 3);
            Assert.Equal(1, sample.Pongs);
            Assert.Equal(1, sample.Connects);
            while ((m = console.Take()) != null && m.Topic != "dev1/status")
            {
            }

            Assert.NotNull(m);
            Assert.Equal("offline", Peer.Text(m));
        }
    }
}
