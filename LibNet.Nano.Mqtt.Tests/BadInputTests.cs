using System;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>Bad input: a specific exception at once, and nothing sent (the netc's byte counter does not move).</summary>
    public class BadInputTests : SimMqttTest
    {
        private void Connected(Action<MqttClient> body, int rx = 1024, int tx = 1024)
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me, "bad", rx, tx);
                Assert.True(Connect(c));
                long before = c.Net.BytesOut;
                body(c);
                Assert.Equal(before, c.Net.BytesOut);
                Assert.True(c.IsConnected);
                Assert.True(c.Disconnect(Bound));
            });
            SimBroker b = AcceptConnect();
            b.ConnAck(false, 0);
            b.Expect(14); // the next packet after CONNECT is the DISCONNECT: nothing in between
            JoinAll();
        }

        [Fact]
        public void InvalidTopicNamesAndFilters()
        {
            Connected(c =>
            {
                byte[] p = new byte[1];
                Assert.Throws<ArgumentNullException>(() => c.Publish(Bound, null, p, 0, false));
                Assert.Throws<ArgumentException>(() => c.Publish(Bound, "", p, 0, false));
                Assert.Throws<ArgumentException>(() => c.Publish(Bound, "a/+/b", p, 0, false));
                Assert.Throws<ArgumentException>(() => c.Publish(Bound, "a/#", p, 1, false));
                Assert.Throws<ArgumentException>(() => c.Publish(Bound, "a\0b", p, 0, false));
                Assert.Throws<ArgumentException>(() => c.Publish(Bound, "bad\uD800surrogate", p, 0, false));
                Assert.Throws<ArgumentException>(() => c.Publish(Bound, new string('x', 65536), p, 0, false));
                Assert.Throws<ArgumentException>(() => c.Subscribe(Bound, "a/#/b", 0));
                Assert.Throws<ArgumentException>(() => c.Subscribe(Bound, "a+", 0));
                Assert.Throws<ArgumentException>(() => c.Subscribe(Bound, "a/b#", 0));
                Assert.Throws<ArgumentException>(() => c.Subscribe(Bound, "", 0));
                Assert.Throws<ArgumentNullException>(() => c.Subscribe(Bound, (string)null, 0));
                Assert.Throws<ArgumentException>(() => c.Unsubscribe(Bound, "+x"));
                Assert.Throws<ArgumentException>(() => c.Subscribe(Bound, new[] { "ok", "bad#" }, new[] { 0, 0 }, null));
                Assert.Throws<ArgumentException>(() => c.Subscribe(Bound, new[] { "a" }, new[] { 0, 1 }, null));
            });
        }

        [Fact]
        public void QosOutsideTheSpecAndQos2()
        {
            Connected(c =>
            {
                byte[] p = new byte[1];
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Publish(Bound, "t", p, 3, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Publish(Bound, "t", p, -1, false));
                Assert.Throws<NotSupportedException>(() => c.Publish(Bound, "t", p, 2, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Subscribe(Bound, "t", 3));
                Assert.Throws<NotSupportedException>(() => c.Subscribe(Bound, "t", 2));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.SetWill("w", p, 3, false));
            });
        }

        [Fact]
        public void PayloadTooLargeForTheSendStoreAndBadRanges()
        {
            Connected(c =>
            {
                byte[] big = new byte[300];
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Publish(Bound, "t", big, 1, false));
                int id;
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Post(Bound, "t", big, 0, big.Length, 1, false, out id));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Publish(Bound, "t", big, 10, 291, 0, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Publish(Bound, "t", big, -1, 1, 0, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Publish(-2, "t", big, 0, 1, 0, false));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Loop(-5, out bool got));
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Subscribe(Bound, new string('a', 400), 0));
            }, tx: 256);
        }

        [Fact]
        public void CallsFromAnotherThreadThrow()
        {
            Connected(c =>
            {
                Exception caught = null;
                Thread t = new Thread(() =>
                {
                    try
                    {
                        c.Publish(Bound, "t", new byte[1], 0, false);
                    }
                    catch (Exception ex)
                    {
                        caught = ex;
                    }
                });
                t.Start();
                t.Join();
                Assert.IsType<InvalidOperationException>(caught);
            });
        }

        [Fact]
        public void BadConnectSettingsThrowBeforeAnythingIsSent()
        {
            StartTask(UniqueName("mq"), me =>
            {
                using MqttClient c = NewClient(me, "this-client-id-is-24-byt");
                Assert.Throws<ArgumentException>(() => Connect(c));
                c.ClientId = "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"; // 12 characters, 24 UTF-8 bytes
                Assert.Throws<ArgumentException>(() => Connect(c));
                c.ClientId = null;
                Assert.Throws<ArgumentNullException>(() => Connect(c));
                c.ClientId = "";
                c.CleanSession = false;
                Assert.Throws<ArgumentException>(() => Connect(c));
                c.CleanSession = true;
                c.ClientId = "ok";
                c.Password = "secret";
                Assert.Throws<ArgumentException>(() => Connect(c));
                c.Password = null;
                c.SetWill("will", new byte[2000], 1, false);
                Assert.Throws<ArgumentOutOfRangeException>(() => Connect(c)); // CONNECT larger than the receive buffer
                Assert.Throws<ArgumentOutOfRangeException>(() => c.KeepAliveSeconds = 65536);
                Assert.Throws<ArgumentOutOfRangeException>(() => c.Connect(Bound, SimulatedAdapter.PeerAddress, 0));
                Assert.Throws<ArgumentNullException>(() => c.Connect(Bound, null, Port));
                Assert.Equal(NetCtrlState.Idle, c.Net.State);
                Assert.Equal(0, c.Net.BytesOut);

                c.ClientId = "this-client-id-is-24-byt";
                c.AllowLongClientId = true;
                c.ClearWill();
                Assert.True(Connect(c), "a long client id is allowed when asked for");
                Assert.True(c.Disconnect(Bound));
            });
            SimBroker b = AcceptConnect();
            Assert.Equal("this-client-id-is-24-byt", b.ConnectClientId);
            b.ConnAck(false, 0);
            b.Expect(14);
            JoinAll();
            Assert.Equal(1, Listener.Connections);
        }

        [Fact]
        public void ConstructorChecksItsArguments()
        {
            InTask(me =>
            {
                Assert.Throws<ArgumentNullException>(() => new MqttClient(null, me, 1024, 1024, 4));
                Assert.Throws<ArgumentNullException>(() => new MqttClient(Sim, null, 1024, 1024, 4));
                Assert.Throws<ArgumentOutOfRangeException>(() => new MqttClient(Sim, me, 63, 1024, 4));
                Assert.Throws<ArgumentOutOfRangeException>(() => new MqttClient(Sim, me, 1024, 63, 4));
                Assert.Throws<ArgumentOutOfRangeException>(() => new MqttClient(Sim, me, 1024, 1024, 0));
                Assert.Throws<InvalidOperationException>(() => new MqttClient(Sim, "no-such-task", 1024, 1024, 4));
                MqttClient c = new MqttClient(Sim, me, 1024, 1024, 4);
                c.Dispose();
                Assert.Throws<ObjectDisposedException>(() => c.Loop(1, out bool got));
                c.Dispose();
            });
        }
    }
}
