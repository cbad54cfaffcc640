using System;
using System.Text;
using NanoLibNet;
using NanoLibNet.Tests;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>
    /// Base of the tests against the real broker: a fresh MQTTnet broker per test, clients of
    /// LibNet.Nano.Mqtt on the test's loopback adapter inside LibNet tasks, and NetTest's leak
    /// check after each test (no task, thread, netc or socket left).
    /// </summary>
    public abstract class MqttTest : NetTest
    {
        protected MqttTest()
        {
            Broker = Broker.Start();
        }

        protected Broker Broker { get; }

        /// <summary>A client of the test's adapter in task <paramref name="me"/>.</summary>
        protected MqttClient NewClient(string me, string clientId, int rx = 1024, int tx = 1024, int inflight = 4)
        {
            return new MqttClient(Adapter, me, rx, tx, inflight) { ClientId = clientId };
        }

        /// <summary>Connects, asserting success.</summary>
        protected void MustConnect(MqttClient c)
        {
            Assert.True(c.Connect(Bound, "127.0.0.1", Broker.Port), "connect failed: " + MqttError.Name(c.LastError) + " / " + NetError.Name(c.NetError));
        }

        /// <summary>Loops until a message comes, asserting one does.</summary>
        protected static void MustReceive(MqttClient c, int timeout = Bound)
        {
            Assert.True(c.Loop(timeout, out bool got), "Loop failed: " + MqttError.Name(c.LastError));
            Assert.True(got, "no message within " + timeout + " ms");
        }

        protected static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

        protected static string Payload(MqttClient c) => Encoding.UTF8.GetString(c.MessageBuffer, c.PayloadOffset, c.PayloadLength);

        public override void Dispose()
        {
            try
            {
                base.Dispose();
            }
            finally
            {
                Broker.Dispose();
            }
        }
    }
}
